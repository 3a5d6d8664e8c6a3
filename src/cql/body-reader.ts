// CQL client: the protocol's notations ([int], [short], [string], [bytes]) read from a body.

/** Reads a response body front to back; running past its end is a malformed frame. */
export class BodyReader {
  private offset = 0;

  constructor(private readonly body: Buffer) {}

  private take(n: number): Buffer {
    if (n < 0 || this.offset + n > this.body.length) throw new RangeError('the frame ends too early');
    const slice = this.body.subarray(this.offset, this.offset + n);
    this.offset += n;
    return slice;
  }

  int(): number {
    return this.take(4).readInt32BE(0);
  }

  short(): number {
    return this.take(2).readUInt16BE(0);
  }

  string(): string {
    return this.take(this.short()).toString('utf8');
  }

  remaining(): number {
    return this.body.length - this.offset;
  }

  /** [bytes]: a length, then that many bytes; a negative length is null. */
  bytes(): Buffer | null {
    const n = this.int();
    return n < 0 ? null : this.take(n);
  }
}
