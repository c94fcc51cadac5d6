/** The `default:` of a switch over a message union: a compile error when a message type is not handled. */
export function exhaustive(value: never): never {
  throw new Error(`unhandled message ${JSON.stringify(value)}`);
}
