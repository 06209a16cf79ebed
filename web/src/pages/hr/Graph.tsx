// The department connection graph in plain SVG (no library): departments on a circle,
// arrows from the learners' department to the experts' with width by sessions, loops for
// sessions inside a department; E-I index, density and the edge list as a table.
import type { ConnectionsReport } from '../../api';
import { layoutGraph } from './graph';
import { number, signed } from './format';

export function ConnectionGraph({ report }: { report: ConnectionsReport }) {
  const g = report.graph;
  const layout = layoutGraph(g);
  const pad = 120;
  const hidden = g.nodes.filter((n) => n.suppressed).length;
  return (
    <section class="card connections" aria-labelledby="conn-h">
      <h2 id="conn-h">Connections between departments</h2>
      <dl class="stats" data-testid="graph-stats">
        <div>
          <dt>E-I index</dt>
          <dd data-testid="ei-index">{g.eiIndex === null ? '—' : signed(g.eiIndex)}</dd>
          <dd class="hint">−1 all inside departments … +1 all across</dd>
        </div>
        <div>
          <dt>Density</dt>
          <dd data-testid="density">{g.density === null ? '—' : number(g.density)}</dd>
          <dd class="hint">share of department pairs that met</dd>
        </div>
        <div>
          <dt>Sessions across / inside</dt>
          <dd>
            {g.externalSessions} / {g.internalSessions}
          </dd>
        </div>
        <div>
          <dt>New ties</dt>
          <dd>{g.newTies}</dd>
          <dd class="hint">pairs meeting for the first time</dd>
        </div>
      </dl>
      {g.nodes.length === 0 ? (
        <p class="empty">No completed sessions in this period yet.</p>
      ) : (
        <div class="graph-wrap">
          <svg
            class="graph"
            viewBox={`${-pad} 0 ${layout.size + 2 * pad} ${layout.size}`}
            role="img"
            aria-labelledby="graph-title graph-desc"
            data-testid="connection-graph"
          >
            <title id="graph-title">Department connection graph</title>
            <desc id="graph-desc">
              {g.nodes.length} departments; {g.edges.length} connections shown with at least 3 sessions. The table below lists them.
            </desc>
            <defs>
              <marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerUnits="userSpaceOnUse" markerWidth="14" markerHeight="14" orient="auto">
                <path d="M 0 0 L 10 5 L 0 10 z" fill="#1e3a8a" />
              </marker>
            </defs>
            {layout.edges.map((e) => (
              <path
                key={`${e.from}>${e.to}`}
                d={e.path}
                class={`edge${e.self ? ' self' : ''}`}
                stroke-width={e.width}
                fill="none"
                {...(e.self ? {} : { 'marker-end': 'url(#arrow)' })}
                data-from={e.from}
                data-to={e.to}
              >
                <title>
                  {e.self ? `${e.from}: ${e.sessions} sessions inside` : `${e.from} learners → ${e.to} experts: ${e.sessions} sessions`}
                </title>
              </path>
            ))}
            {layout.nodes.map((n) => (
              <g key={n.department} class={`node${n.suppressed ? ' suppressed' : ''}`} data-department={n.department}>
                <circle cx={n.x} cy={n.y} r={n.r} />
                <text x={n.labelX} y={n.labelY} text-anchor={n.anchor}>
                  {n.department}
                  {n.suppressed ? ' (hidden)' : ` · ${n.sessions}`}
                </text>
              </g>
            ))}
          </svg>
        </div>
      )}
      <p class="muted small-text">Arrows point from the learners’ department to the experts’; a loop is sessions inside a department; the number is the sessions a department took part in.</p>
      {hidden > 0 && <p class="muted small-text">Departments with fewer than 3 sessions are shown without figures, and connections with fewer than 3 sessions are not drawn; they still count in the E-I index and density.</p>}
      <CohortFigures g={g} />
      <details>
        <summary>Connections as a table</summary>
        <table class="data">
          <caption class="visually-hidden">Sessions between departments (learners’ department → experts’ department)</caption>
          <thead>
            <tr>
              <th scope="col">Learners from</th>
              <th scope="col">Experts from</th>
              <th scope="col" class="num">
                Sessions
              </th>
            </tr>
          </thead>
          <tbody>
            {g.edges.length === 0 && (
              <tr>
                <td colSpan={3} class="muted">
                  No connection with at least 3 sessions.
                </td>
              </tr>
            )}
            {g.edges.map((e) => (
              <tr key={`${e.from}>${e.to}`}>
                <td>{e.from}</td>
                <td>{e.to}</td>
                <td class="num">{e.sessions}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}

/** What published program cohorts add: peer ties across departments and scheduled sessions. */
function CohortFigures({ g }: { g: ConnectionsReport['graph'] }) {
  const c = g.cohorts;
  if (c.pairs === 0 && c.sessions === 0) return null;
  return (
    <section aria-labelledby="cohort-ties-h" data-testid="cohort-ties">
      <h3 id="cohort-ties-h">Program cohorts</h3>
      <dl class="stats">
        <div>
          <dt>Cohort sessions</dt>
          <dd>{c.sessions}</dd>
          <dd class="hint">{number(c.memberHours)} member-hours scheduled</dd>
        </div>
        <div>
          <dt>Peer pairs</dt>
          <dd>{c.pairs}</dd>
          <dd class="hint">
            {c.crossPairs} across departments, {c.newPairs} new
          </dd>
        </div>
        <div>
          <dt>Cohort E-I index</dt>
          <dd>{c.eiIndex === null ? '—' : signed(c.eiIndex)}</dd>
        </div>
      </dl>
      {c.edges.length > 0 && (
        <p class="muted small-text">
          Departments linked by cohorts: {c.edges.map((e) => `${e.a} – ${e.b} (${e.pairs})`).join(', ')}.
        </p>
      )}
    </section>
  );
}
