export interface RelayLimits {
  maxPayloadBytes: number;
  /** Client frames held while the engine socket opens. */
  pendingMaxFrames: number;
  pendingMaxBytes: number;
  /** Above this many bytes buffered towards the client, the proxy stops reading from the engine. */
  highWaterBytes: number;
  handshakeTimeoutMs: number;
  isolation: 'block' | 'report';
}
