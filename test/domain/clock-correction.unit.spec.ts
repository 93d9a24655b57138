/**
 * The way out of a ledger frozen by a line dated in the future (src/domain/clock-correction.ts): given a
 * history with a far-future line, the decision-log owner's correction, dated by their clock, lets time go on.
 */
import { describe, expect, it } from 'vitest';
import { TIME_MARKS_KEPT } from '../../src/domain/clock-correction.js';
import { InvalidTransitionError, NotAuthorizedError, TimeOrderError } from '../../src/errors.js';
import { at, given } from '../support/decider-spec.js';
import { ROLE } from '../support/program.js';

const FUTURE = '9999-12-31T23:59:59.999Z';
const NOW = '2026-03-10T12:00:00.000Z';
const blocker = (text: string) => ({ type: 'raise-blocker', actor: ROLE.logOwner, text, owner: ROLE.logOwner, due: '2026-03-20' }) as const;
const correct = (when: string, actor: string = ROLE.logOwner) => ({ type: 'correct-clock', actor, reason: 'a verdict dated 9999 by an old server', at: when }) as const;
const frozen = () => given(at('2026-03-10T09:00:00Z', blocker('before')), at(FUTURE, blocker('misdated')));

describe('a ledger frozen by a line dated in the future', () => {
  it('refuses every later line as out of time order, and names the way out', () => {
    const error = frozen().when(at(NOW, blocker('after'))).thenError(TimeOrderError, 'never goes back in time');
    expect(error.hints.join('\n')).toMatch(/cutover program correct-clock/);
  });

  it("is corrected by the decision-log owner's clock.corrected, naming the first misdated line", () => {
    const g = frozen();
    g.when(correct(NOW)).then([{ type: 'clock.corrected', actor: ROLE.logOwner, data: { misdatedFrom: g.state.seq, reason: 'a verdict dated 9999 by an old server' } }]);
  });

  it('after the correction, time goes on from it: a line dated after it is recorded, one before it is not', () => {
    const corrected = frozen().and(correct(NOW));
    corrected.when(at('2026-03-10T12:01:00Z', blocker('after'))).then([expect.objectContaining({ type: 'blocker.raised' })]);
    corrected.when(at('2026-03-10T11:59:00Z', blocker('before the correction'))).thenError(TimeOrderError, 'seq');
  });

  it('the misdated line keeps its effect: its blocker is still open', () => {
    const corrected = frozen().and(correct(NOW));
    expect(Object.values(corrected.state.openBlockers).map((b) => b.text)).toEqual(['before', 'misdated']);
  });

  it('is refused to a role without the decision-log owner duty', () => {
    frozen().when(correct(NOW, ROLE.producerApprover)).thenError(NotAuthorizedError, 'decision-log owner');
  });

  it('is refused when nothing is dated after it', () => {
    given(at('2026-03-10T09:00:00Z', blocker('on time'))).when(correct(NOW)).thenError(InvalidTransitionError, 'nothing to correct');
  });

  it('cannot rewind over a line within the clock skew: that is another writer\'s clock, not a mistake', () => {
    const g = given(at('2026-03-10T12:03:00Z', blocker('three minutes ahead')), at(FUTURE, blocker('misdated')));
    g.when(correct(NOW)).thenError(InvalidTransitionError, 'within the writers\' clock skew');
    g.when(correct('2026-03-10T12:03:00Z')).then([expect.objectContaining({ type: 'clock.corrected' })]);
  });

  it('cannot go back before the last correctly dated line', () => {
    // Dated before the blocker at 09:00, a correction would say that blocker is misdated, and it is only hours ahead.
    frozen().when(correct('2026-03-10T08:58:00Z')).thenError(InvalidTransitionError, 'within the writers\' clock skew');
  });

  it(`reaches back over ${TIME_MARKS_KEPT} distinct times at most`, () => {
    const times = Array.from({ length: TIME_MARKS_KEPT }, (_, i) => `9999-01-01T00:00:${String(i).padStart(2, '0')}.000Z`);
    given(at('2026-03-10T09:00:00Z', blocker('before')), ...times.map((t, i) => at(t, blocker(`misdated ${i}`))))
      .when(correct(NOW))
      .thenError(InvalidTransitionError, `more than ${TIME_MARKS_KEPT} distinct times`);
    given(at('2026-03-10T09:00:00Z', blocker('before')), ...times.slice(1).map((t, i) => at(t, blocker(`misdated ${i}`))))
      .when(correct(NOW))
      .then([expect.objectContaining({ type: 'clock.corrected' })]);
  });
});
