// Plain data tables of the smaller views (missed billing, per product).
import { css } from 'lit';

export const tableStyles = css`
  section { display: flex; flex-direction: column; gap: 0.75rem; }
  .table-wrap { overflow-x: auto; border: 1px solid var(--_border); border-radius: var(--_radius); }
  table { width: 100%; border-collapse: collapse; }
  th, td { padding: 0.5rem 0.75rem; border-bottom: 1px solid var(--_border); text-align: left; vertical-align: top; }
  thead th { background: var(--_surface-alt); font-weight: 600; white-space: nowrap; }
  tbody th { font-weight: 600; }
  tbody tr:last-child td, tbody tr:last-child th { border-bottom: 0; }
  tfoot th, tfoot td { border-top: 2px solid var(--_border); font-weight: 700; background: var(--_surface-alt); }
  .headlines { list-style: none; display: flex; flex-wrap: wrap; gap: 0.35rem 1.25rem; margin: 0; padding: 0; font-size: 1rem; }
  .sub { display: block; font-size: 0.8rem; font-weight: 400; color: var(--_muted); }
  @container (max-width: 600px) {
    .table-wrap { border: 0; }
    table, thead, tbody, tfoot, tr, th, td { display: block; }
    thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    tr { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0.2rem 0.75rem; padding: 0.7rem; margin-bottom: 0.5rem;
      border: 1px solid var(--_border); border-radius: var(--_radius); }
    th, td { border: 0 !important; padding: 0; text-align: left; }
    tbody th, tfoot th { grid-column: 1 / -1; font-size: 1rem; }
    td::before { content: attr(data-label); display: block; font-size: 0.75rem; color: var(--_muted); }
    td.blank { display: none; }
    td.num { text-align: left; }
  }
`;
