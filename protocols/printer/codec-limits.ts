import type { PIP_CODEC_LIMITS } from '../../config/defaults.js';

export type PipCodecLimits = typeof PIP_CODEC_LIMITS;
