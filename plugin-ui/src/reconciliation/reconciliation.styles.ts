import { css } from 'lit';

export const reconciliationStyles = css`
  section { display: flex; flex-direction: column; gap: 0.75rem; }
  .toolbar { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem; }
  .toolbar h2 { margin: 0; }
  .snapshot-bar { min-width: 0; max-width: 100%; display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 0.75rem; }
  /* Space for the progress bar and its line is kept, so the toolbar does not reflow when a run starts. */
  .snapshot-run { flex-basis: 100%; min-height: 2.6rem; }
  .reason { font-size: 0.8rem; }
  .cards { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 0.75rem; }
  .cards:has(.card.under-billed) { grid-template-columns: repeat(5, minmax(0, 1fr)); }
  .card {
    font: inherit; color: inherit; text-align: left; cursor: pointer;
    display: flex; flex-direction: column; gap: 0.15rem; padding: 0.85rem 1rem;
    background: var(--_surface); border: 1px solid var(--_border); border-radius: var(--_radius);
    border-top: 4px solid var(--_tone);
  }
  .card.under-licensed { --_tone: var(--_under); }
  .card.over-licensed { --_tone: var(--_over); }
  .card.matched { --_tone: var(--_matched); }
  .card.unmapped { --_tone: var(--_muted); }
  .card.under-billed { --_tone: var(--_under); }
  .card-unpriced { font-weight: 600; }
  .card:hover { background: var(--_surface-alt); }
  .card[aria-pressed='true'] { background: var(--_surface-alt); box-shadow: inset 0 0 0 2px var(--_tone); }
  .card-label { font-weight: 600; }
  .card-count { font-size: 1.6rem; font-weight: 700; line-height: 1.2; }
  .card-unit { font-size: 0.85rem; font-weight: 400; color: var(--_muted); }
  .card-money { font-size: 1.05rem; font-weight: 600; color: var(--_tone); }
  .card-note { font-size: 0.8rem; }
  .unmapped { font-size: 0.85rem; }
  .list-controls { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
  .search { flex: 1 1 14rem; display: flex; }
  .search input { width: 100%; }
  .chip {
    display: inline-flex; align-items: center; gap: 0.25rem; padding: 0.15rem 0.25rem 0.15rem 0.6rem;
    border-radius: 999px; background: var(--_surface-alt); border: 1px solid var(--_border);
  }
  .chip-clear {
    font: inherit; border: 0; background: none; color: inherit; cursor: pointer;
    width: 1.6rem; height: 1.6rem; border-radius: 50%;
  }
  .table-wrap { overflow-x: auto; border: 1px solid var(--_border); border-radius: var(--_radius); }
  .table-wrap[aria-busy='true'] { opacity: 0.6; }
  table { width: 100%; border-collapse: collapse; }
  th, td { padding: 0.5rem 0.75rem; border-bottom: 1px solid var(--_border); text-align: left; }
  th { background: var(--_surface-alt); font-weight: 600; white-space: nowrap; }
  th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
  tbody tr.client-row { cursor: pointer; }
  tbody tr.client-row:hover { background: var(--_surface-alt); }
  tbody.open tr { background: var(--_surface-alt); }
  tr.line td { border-bottom: 1px dashed var(--_border); font-size: 0.9em; }
  tr.line .line-name { padding-left: 1.75rem; font-weight: 400; }
  tfoot th, tfoot td { border-top: 2px solid var(--_border); border-bottom: 0; font-weight: 700; background: var(--_surface-alt); }
  tfoot .unpriced { display: block; font-weight: 600; }
  .client-name { color: inherit; text-decoration: none; font-weight: 600; }
  .client-name:hover { text-decoration: underline; }
  .lines-toggle {
    display: block; font: inherit; font-size: 0.8rem; color: var(--_accent); background: none; border: 0;
    padding: 0.15rem 0; cursor: pointer; text-decoration: underline;
  }
  .headline, .unit { display: block; font-size: 0.75rem; font-weight: 400; }
  td.billed .billed-gap, td.billed .amount, td.billed .unpriced { display: block; font-size: 0.75rem; font-weight: 400; }
  .money .unpriced, .money .amount { display: block; }
  .sort-by { display: flex; align-items: center; gap: 0.35rem; }
  .sort {
    font: inherit; font-weight: 600; color: inherit; background: none; border: 0; padding: 0.1rem 0;
    cursor: pointer; display: inline-flex; gap: 0.3rem; align-items: center;
  }
  .sort-mark { font-size: 0.7rem; color: var(--_muted); }
  .variance { font-weight: 700; }
  .name { font-weight: 500; overflow-wrap: anywhere; }
  .status { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 999px; font-size: 0.8rem; border: 1px solid currentColor; white-space: nowrap; }
  .status.under-licensed { color: var(--_under); }
  .status.over-licensed { color: var(--_over); }
  .status.matched { color: var(--_matched); }
  .status.unmapped { color: var(--_muted); }
  .status-changed { display: block; margin-top: 0.2rem; font-size: 0.75rem; font-weight: 600; color: var(--_accent); overflow-wrap: anywhere; }
  .pager { display: flex; align-items: center; justify-content: flex-end; gap: 0.75rem; }
  .steps { margin: 0.25rem 0 0; padding-left: 1.25rem; }

  @container (max-width: 600px) {
    .cards, .cards:has(.card.under-billed) { grid-template-columns: repeat(2, minmax(0, 1fr)); }
    .card { padding: 0.6rem 0.7rem; }
    .table-wrap { border: 0; overflow: visible; }
    table, thead, tbody, tfoot, tr, td, th { display: block; }
    .table-wrap { outline-offset: 4px; }
    thead tr { display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; padding: 0.25rem 0; }
    thead th { display: block; background: none; border: 0; padding: 0.25rem 0; }
    thead th:not([aria-sort]) { display: none; }
    tbody tr {
      display: grid; grid-template-columns: 1fr 1fr; gap: 0.15rem 0.75rem; padding: 0.75rem;
      margin-bottom: 0.5rem; border: 1px solid var(--_border); border-radius: var(--_radius);
    }
    tbody tr.line { margin: -0.35rem 0 0.5rem 1rem; border-style: dashed; }
    tfoot tr { display: grid; grid-template-columns: 1fr 1fr; gap: 0.15rem 0.75rem; padding: 0.75rem; border: 2px solid var(--_border); border-radius: var(--_radius); }
    tfoot th, tfoot td { border: 0; padding: 0.1rem 0; }
    td.blank { display: none; }
    td, tfoot td { border: 0; padding: 0.1rem 0; text-align: left; }
    td.num { text-align: left; }
    td::before { content: attr(data-label); display: block; font-size: 0.75rem; color: var(--_muted); font-weight: 400; }
    td.name, th.name { grid-column: 1 / -1; font-size: 1rem; }
    td.name::before, th.name::before { content: none; }
    tr.line .line-name { padding-left: 0; font-weight: 600; }
    th.num, td.num { text-align: left; }
    .pager { justify-content: space-between; }
  }
`;
