/**
 * A passive listener on a relay session (the shadow and its comparator). Every call is made
 * inside a try/catch by the session: an observer can never break the live path.
 */
export interface SessionObserver {
  onClientFrame(data: Buffer, isBinary: boolean, type: string | null, at: number): void;
  onServedFrame(data: Buffer, at: number, leaked: boolean): void;
  onClose(at: number): void;
}
