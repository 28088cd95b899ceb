import type { SHADOW_DROP_REASONS } from '../metrics/catalog.js';

/**
 * Why shadow work was not done, as `switchyard_shadow_dropped_total{reason}` counts it:
 * - `capacity`: the cap on shadow sessions or HTTP shadows in flight was reached (work shed);
 * - `no_credential`: a ticket session whose JWT this replica never saw;
 * - `connect_failed`: the shadow engine refused or dropped the connection before it opened, or
 *   the HTTP shadow request failed;
 * - `timeout`: the shadow socket did not open in time, or the HTTP shadow did not answer in time;
 * - `buffer_full`: client frames piled up unsent to the shadow engine past the buffer cap;
 * - `flood`: the shadow engine sent frames faster than the per-second cap;
 * - `body_too_large`: a request or response body past the HTTP capture limit (or a request body
 *   not captured whole because the engine answered before reading it).
 * A run that started on both sides and did not finish is not dropped: it is judged `incomplete`.
 */
export type DropReason = (typeof SHADOW_DROP_REASONS)[number];
