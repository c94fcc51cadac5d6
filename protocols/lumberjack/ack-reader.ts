import { LumberjackError } from './errors.js';
import { ACK_FRAME_BYTES, FRAME_ACK, type ProtocolVersion, VERSION_1, VERSION_2 } from './wire.js';

/** Chunk-fed reader of the server's 6-byte `<version> A <seq>` frames (the client's side). */
export class AckReader {
  private readonly frame = Buffer.alloc(ACK_FRAME_BYTES);
  private filled = 0;

  /** The seqs of every ACK the chunk completes; throws LumberjackError for anything else. */
  push(chunk: Buffer): { version: ProtocolVersion; seq: number }[] {
    const acks: { version: ProtocolVersion; seq: number }[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(ACK_FRAME_BYTES - this.filled, chunk.length - offset);
      chunk.copy(this.frame, this.filled, offset, offset + take);
      this.filled += take;
      offset += take;
      this.checkVersion();
      if (this.filled >= 2 && this.frame[1] !== FRAME_ACK) {
        throw new LumberjackError('LJ_ERR_BAD_FRAME_TYPE', `expected an ACK frame, got type 0x${this.frame[1]!.toString(16)}`);
      }
      if (this.filled === ACK_FRAME_BYTES) {
        acks.push({ version: this.frame[0] === VERSION_1 ? 1 : 2, seq: this.frame.readUInt32BE(2) });
        this.filled = 0;
      }
    }
    return acks;
  }

  private checkVersion(): void {
    const version = this.frame[0];
    if (version !== VERSION_1 && version !== VERSION_2) {
      throw new LumberjackError('LJ_ERR_BAD_VERSION', `unknown protocol version byte 0x${version!.toString(16)}`);
    }
  }
}
