// One ranked expert for a request, with the explanation of its score: a bar of what each
// signal adds and a table of value × weight = points with the API's reason in words. The
// points add up to the score exactly.
import type { Match } from '../../api';
import { Link } from '../../router';
import { Rating } from '../../components/Rating';
import { pointsTotal, signalLabel } from '../../components/Requests';

const pct = (x: number, digits = 0) => `${(x * 100).toFixed(digits)}%`;
const pts = (x: number) => (x * 100).toFixed(2);

export function MatchCard({ m, rank, requestId, canBook }: { m: Match; rank: number; requestId: string; canBook: boolean }) {
  const e = m.expert;
  const href = `/experts/${encodeURIComponent(e.id)}${canBook ? `?request=${encodeURIComponent(requestId)}` : ''}`;
  const score = Math.round(m.score * 100);
  const headingId = `match-${e.id}`;
  return (
    <li class="card match" data-expert={e.id} aria-labelledby={headingId}>
      <div class="match-head">
        <div>
          <h3 id={headingId}>
            <span class="rank">{rank + 1}.</span> <Link href={href}>{e.name}</Link>
          </h3>
          <p class="meta">
            {e.department} · <Rating e={e} /> · speaks {e.languages.join(', ')}
          </p>
          <p class="headline">{e.headline}</p>
        </div>
        <p class="score" data-score={pts(m.score)}>
          <span class="visually-hidden">Match score {pts(m.score)} out of 100</span>
          <span class="score-num" aria-hidden="true">
            {score}
          </span>
          <span class="muted" aria-hidden="true">
            /100
          </span>
        </p>
      </div>
      <div class="stack-bar" aria-hidden="true">
        {m.signals
          .filter((s) => s.points > 0)
          .map((s) => (
            <span key={s.name} class={`seg sig-${s.name}`} style={{ width: `${s.points * 100}%` }} title={`${signalLabel(s.name)}: ${pts(s.points)} points`} />
          ))}
      </div>
      {canBook && (
        <p class="mentor-ask">
          <Link class="button secondary small" href={`/mentorships/new?expert=${encodeURIComponent(e.id)}&request=${encodeURIComponent(requestId)}`}>
            Propose a mentorship with {e.name}
          </Link>
        </p>
      )}
      <details class="why" open={rank < 3}>
        <summary>Why {e.name.split(' ')[0]} matches</summary>
        <div class="table-scroll" tabIndex={0} role="region" aria-label={`Score breakdown for ${e.name}`}>
        <table class="signals">
          <caption class="visually-hidden">How the match score of {e.name} is made up</caption>
          <thead>
            <tr>
              <th scope="col">Signal</th>
              <th scope="col">Fit</th>
              <th scope="col" class="num">
                Weight
              </th>
              <th scope="col" class="num">
                Points
              </th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {m.signals.map((s) => (
              <tr key={s.name} data-signal={s.name}>
                <th scope="row">
                  <span class={`swatch sig-${s.name}`} aria-hidden="true" /> {signalLabel(s.name)}
                </th>
                <td>
                  <span class="fit" role="img" aria-label={`${pct(s.value)} fit`}>
                    <span class="fit-bar" style={{ width: pct(s.value, 2) }} />
                  </span>{' '}
                  <span class="muted small-text">{pct(s.value)}</span>
                </td>
                <td class="num">{pct(s.weight)}</td>
                <td class="num">{pts(s.points)}</td>
                <td class="reason">{s.reason}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Score</th>
              <td />
              <td class="num">{pct(m.signals.reduce((n, s) => n + s.weight, 0))}</td>
              <td class="num" data-testid="score-total">
                {pts(pointsTotal(m.signals))}
              </td>
              <td class="muted small-text">fit × weight, added up</td>
            </tr>
          </tfoot>
        </table>
        </div>
      </details>
    </li>
  );
}
