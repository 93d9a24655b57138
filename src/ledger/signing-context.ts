/** Signatures are made over this prefix + the canonical event without `sig` and `hash`, so a
 *  Cutover signature can never be replayed as a signature over anything else. */
export const SIGNING_CONTEXT = 'cutover-event-v1\n';
