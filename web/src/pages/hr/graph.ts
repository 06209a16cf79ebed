// Layout of the department connection graph, pure so it can be tested: departments evenly on
// a circle (the first at the top, clockwise), edges from the learners' department to the
// experts' as curves bent to one side (so A→B and B→A do not overlap), width by sessions,
// and a loop outside the node for sessions inside a department.
import type { ConnectionGraph } from '../../api';

export interface PlacedNode {
  department: string;
  sessions: number;
  suppressed: boolean;
  x: number;
  y: number;
  r: number;
  labelX: number;
  labelY: number;
  anchor: 'start' | 'middle' | 'end';
}

export interface PlacedEdge {
  from: string;
  to: string;
  sessions: number;
  width: number;
  path: string;
  self: boolean;
}

export interface Layout {
  size: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

const MIN_W = 1.5;
const MAX_W = 10;
const r2 = (x: number) => Math.round(x * 100) / 100;

export function layoutGraph(g: ConnectionGraph, size = 420): Layout {
  const c = size / 2;
  const ring = size * 0.32;
  const n = g.nodes.length;
  const maxNode = Math.max(1, ...g.nodes.map((d) => d.sessions));
  const nodes: PlacedNode[] = g.nodes.map((d, i) => {
    const a = n === 1 ? -Math.PI / 2 : -Math.PI / 2 + (2 * Math.PI * i) / n;
    const x = c + ring * Math.cos(a);
    const y = c + ring * Math.sin(a);
    const lx = c + (ring + 58) * Math.cos(a);
    const ly = c + (ring + 58) * Math.sin(a);
    const cos = Math.cos(a);
    return {
      department: d.department,
      sessions: d.sessions,
      suppressed: d.suppressed,
      x: r2(x),
      y: r2(y),
      r: r2(8 + 14 * Math.sqrt(d.sessions / maxNode)),
      labelX: r2(lx),
      labelY: r2(ly + 4),
      anchor: Math.abs(cos) < 0.3 ? 'middle' : cos > 0 ? 'start' : 'end',
    };
  });
  const at = new Map(nodes.map((p) => [p.department, p]));
  const maxEdge = Math.max(1, ...g.edges.map((e) => e.sessions));
  const edges: PlacedEdge[] = [];
  for (const e of g.edges) {
    const a = at.get(e.from);
    const b = at.get(e.to);
    if (!a || !b) continue;
    const width = r2(MIN_W + (MAX_W - MIN_W) * (e.sessions / maxEdge));
    if (a === b) {
      // A loop on the outside of the circle.
      const dx = a.x - c;
      const dy = a.y - c;
      const len = Math.hypot(dx, dy) || 1;
      const ux = dx / len;
      const uy = dy / len;
      const out = a.r + 36;
      const p1x = a.x + ux * out - uy * 24;
      const p1y = a.y + uy * out + ux * 24;
      const p2x = a.x + ux * out + uy * 24;
      const p2y = a.y + uy * out - ux * 24;
      edges.push({ from: e.from, to: e.to, sessions: e.sessions, width, self: true, path: `M ${a.x} ${a.y} C ${r2(p1x)} ${r2(p1y)} ${r2(p2x)} ${r2(p2y)} ${a.x} ${a.y}` });
      continue;
    }
    // A quadratic curve whose control point sits off the chord's middle, to the right of the
    // direction of travel; it ends at the target's rim so the arrowhead shows.
    const mx = (a.x + b.x) / 2;
    const my = (a.y + b.y) / 2;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    const bend = len * 0.18;
    const qx = mx - (dy / len) * bend;
    const qy = my + (dx / len) * bend;
    const tx = b.x - qx;
    const ty = b.y - qy;
    const tl = Math.hypot(tx, ty) || 1;
    const ex = b.x - (tx / tl) * (b.r + 3);
    const ey = b.y - (ty / tl) * (b.r + 3);
    edges.push({ from: e.from, to: e.to, sessions: e.sessions, width, self: false, path: `M ${a.x} ${a.y} Q ${r2(qx)} ${r2(qy)} ${r2(ex)} ${r2(ey)}` });
  }
  return { size, nodes, edges };
}
