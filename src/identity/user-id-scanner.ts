import { Tokenizer, TokenParser, TokenType } from '@streamparser/json';
import { isUserIdKey } from './user-id-key.js';

export type BodyCheck = 'ok' | 'mismatch' | 'malformed';

/** Longest string kept from the body (keys and the `user_id` value); the rest is only counted. */
const MAX_KEPT_CHARS = 8192;
/** Deeper than Python's json recursion allows: refused rather than growing the parser's stack. */
const MAX_DEPTH = 512;

/**
 * Finds every top-level `user_id` (any key spelling that isUserIdKey accepts, escapes decoded) of
 * a JSON body fed in chunks, in memory bounded by MAX_KEPT_CHARS and MAX_DEPTH whatever the
 * body's size: @streamparser/json's tokenizer validates the bytes and the token parser the
 * grammar (it keeps nothing: no path is selected), while this class follows the top level.
 * A mismatch is known as soon as a foreign id is seen; `ok` only once `end()` says the document
 * was complete.
 */
export class UserIdScanner {
  private readonly tokenizer = new Tokenizer();
  private readonly parser = new TokenParser({ paths: [], keepStack: false });
  private verdict: BodyCheck | null = null;
  private depth = 0;
  private topIsObject = false;
  /** Where the top-level object is: before a key, before its colon, before its value, after it. */
  private expect: 'key' | 'colon' | 'value' | 'comma' = 'key';
  private userIdValueNext = false;

  constructor(private readonly userId: string) {
    const internals = this.tokenizer as unknown as { bufferedString: unknown; bufferedNumber: unknown };
    internals.bufferedString = new BoundedString();
    internals.bufferedNumber = new BoundedString();
    this.tokenizer.onToken = (token) => {
      this.follow(token.token, token.value);
      this.parser.write(token);
    };
    const fail = (): void => {
      this.verdict ??= 'malformed';
    };
    this.tokenizer.onError = fail;
    this.parser.onError = fail;
  }

  /** The verdict so far: null while nothing is wrong and the document is not complete. */
  get result(): BodyCheck | null {
    return this.verdict;
  }

  write(chunk: Uint8Array): BodyCheck | null {
    if (this.verdict === null) this.tokenizer.write(chunk);
    return this.verdict;
  }

  end(): BodyCheck {
    if (this.verdict !== null) return this.verdict;
    this.tokenizer.end();
    if (this.verdict === null && !this.parser.isEnded) this.verdict = 'malformed';
    return (this.verdict ??= 'ok');
  }

  private follow(token: TokenType, value: unknown): void {
    if (this.verdict !== null) return;
    const top = this.depth === 1 && this.topIsObject;
    switch (token) {
      case TokenType.LEFT_BRACE:
      case TokenType.LEFT_BRACKET:
        if (this.depth === 0) this.topIsObject = token === TokenType.LEFT_BRACE;
        else if (top) this.judge(undefined);
        if (++this.depth > MAX_DEPTH) this.verdict = 'malformed';
        return;
      case TokenType.RIGHT_BRACE:
      case TokenType.RIGHT_BRACKET:
        this.depth--;
        return;
      case TokenType.COMMA:
        if (top) this.expect = 'key';
        return;
      case TokenType.COLON:
        if (top) this.expect = 'value';
        return;
      case TokenType.SEPARATOR:
        return;
      case TokenType.STRING:
      case TokenType.NUMBER:
      case TokenType.TRUE:
      case TokenType.FALSE:
      case TokenType.NULL:
        if (!top) return;
        if (this.expect === 'key') {
          this.userIdValueNext = typeof value === 'string' && isUserIdKey(value);
          this.expect = 'colon';
        } else {
          this.judge(value);
        }
    }
  }

  /** A top-level value; `undefined` for an object or array. null is no claim (as before). */
  private judge(value: unknown): void {
    if (this.userIdValueNext && value !== null && value !== this.userId) this.verdict = 'mismatch';
    this.userIdValueNext = false;
    this.expect = 'comma';
  }
}

/**
 * The tokenizer's string accumulator, bounded: past MAX_KEPT_CHARS it only counts bytes, and the
 * string it gives ends with a NUL marker so that it can equal no id that was cut short.
 */
class BoundedString {
  byteLength = 0;
  private parts: string[] = [];
  private kept = 0;
  private cut = false;
  private readonly decoder = new TextDecoder('utf-8');

  appendChar(char: number): void {
    this.byteLength += 1;
    this.keep(String.fromCharCode(char));
  }

  appendBuf(buf: Uint8Array, start = 0, end = buf.length): void {
    this.byteLength += end - start;
    if (this.cut) return;
    const room = MAX_KEPT_CHARS - this.kept;
    this.keep(this.decoder.decode(buf.subarray(start, Math.min(end, start + room * 4))));
  }

  appendCharCode(code: number): void {
    this.keep(String.fromCharCode(code));
  }

  reset(): void {
    this.parts = [];
    this.kept = 0;
    this.cut = false;
    this.byteLength = 0;
  }

  toString(): string {
    const kept = this.parts.length === 1 ? (this.parts[0] ?? '') : this.parts.join('');
    this.parts = [kept];
    return this.cut ? `${kept}\u0000` : kept;
  }

  private keep(text: string): void {
    if (this.cut) return;
    if (this.kept + text.length > MAX_KEPT_CHARS) {
      this.cut = true;
      return;
    }
    this.parts.push(text);
    this.kept += text.length;
  }
}
