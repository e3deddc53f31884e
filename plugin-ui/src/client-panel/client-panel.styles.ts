import { css } from 'lit';

export const clientPanelStyles = css`
  article { display: flex; flex-direction: column; gap: 0.75rem; }
  .head { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 0.75rem; }
  .head h2 { margin: 0; overflow-wrap: anywhere; }
  .status { padding: 0.05rem 0.5rem; border-radius: 999px; font-size: 0.8rem; border: 1px solid currentColor; }
  .status.under-licensed { color: var(--_under); }
  .status.over-licensed { color: var(--_over); }
  .status.matched { color: var(--_matched); }
  .status.unmapped { color: var(--_muted); }
  .figures { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 0.75rem; }
  .label-product { display: block; font-size: 0.75rem; }
  .figure .unpriced { font-weight: 600; }
  .figure { display: flex; flex-direction: column; padding: 0.75rem; border: 1px solid var(--_border); border-radius: var(--_radius); }
  .figure .label { color: var(--_muted); font-size: 0.8rem; }
  .figure .value { font-size: 1.4rem; font-weight: 700; }
  .action { padding: 0.6rem 0.8rem; border-left: 4px solid var(--_accent); background: var(--_surface-alt); border-radius: 4px; }
  .grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0.75rem; }
  .wide { grid-column: 1 / -1; }
  .scroll { overflow-x: auto; max-width: 100%; }
  .panel { min-width: 0; }
  table { width: 100%; border-collapse: collapse; }
  th, td { padding: 0.4rem 0.6rem; border-bottom: 1px solid var(--_border); text-align: left; }
  th { font-weight: 600; background: var(--_surface-alt); }
  .num { text-align: right; font-variant-numeric: tabular-nums; }
  .links { display: flex; gap: 1rem; margin-top: 0.5rem; }
  .sub { margin-top: 0.75rem; }
  .counts { display: grid; grid-template-columns: 1fr auto; gap: 0.2rem 1rem; margin: 0; }
  .counts dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
  .contacts { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.5rem; }
  .trend { margin: 0; }
  .trend svg { width: 100%; height: auto; display: block; }
  .trend .gridline { stroke: var(--_border); stroke-width: 1; }
  .trend svg { max-width: 100%; }
  .trend .axis { fill: var(--_muted); font-size: 12px; }
  .series { fill: none; stroke-width: 2.5; }
  .series.devices, .dot.devices { stroke: var(--_accent); }
  .s0 { --_series: var(--_matched); } .s1 { --_series: var(--_over); } .s2 { --_series: #8250df; }
  .s3 { --_series: #bf3989; } .s4 { --_series: #1b7c83; }
  .series.licenses, .dot.licenses { stroke: var(--_series); }
  .series.licenses { stroke-dasharray: 6 4; }
  .dot { fill: var(--_surface); stroke-width: 2; }
  .rules-mark { stroke: var(--_under); stroke-width: 1.5; stroke-dasharray: 2 3; }
  .trend .rules-label { fill: var(--_under); }
  .legend { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; font-size: 0.85rem; color: var(--_muted); }
  .swatch { display: inline-block; width: 1.25rem; height: 0; border-top: 3px solid var(--_accent); vertical-align: middle; margin-right: 0.35rem; }
  .swatch.licenses { border-top: 3px dashed var(--_series); }
  .series.billed { stroke: var(--_series); stroke-dasharray: 1 4; stroke-linecap: round; stroke-width: 3; }
  .swatch.billed { border-top: 3px dotted var(--_series); }
  td.billed .billed-gap, td.billed .amount, td.billed .unpriced, td.billed .unit { display: block; font-size: 0.75rem; font-weight: 400; }
  .swatch.rules { border-top: 2px dotted var(--_under); }
  .lines .product { font-weight: 600; background: none; }
  .lines .product .status { margin-left: 0.35rem; font-weight: 400; }
  .lines tfoot th, .lines tfoot td { font-weight: 700; border-top: 2px solid var(--_border); }
  .unpriced { white-space: normal; }
  .qbr-row { display: flex; flex-wrap: wrap; align-items: end; gap: 0.5rem 0.75rem; }
  .qbr-row label { display: flex; flex-direction: column; gap: 0.2rem; font-size: 0.85rem; }
  .since { margin: 0; display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.25rem 0.5rem; }
  .since-box { display: flex; flex-direction: column; gap: 0.5rem; }
  .btn.link { background: none; border: 0; padding: 0; color: var(--_accent); text-decoration: underline; cursor: pointer; font: inherit; }
  .change { font-weight: 600; }
  .change.added { color: var(--_under); }
  .change.removed { color: var(--_over); }
  .changes td .muted { display: block; font-size: 0.8rem; }
  .gap-cell { min-width: 11rem; }
  .lines tr.accepted .risk span, .lines tr.accepted .overspend span { color: var(--_muted); }
  .audit-list { margin: 0; padding: 0; list-style: none; display: grid; gap: 0.35rem; }
  .audit-list time { color: var(--_muted); font-size: 0.8rem; margin-right: 0.35rem; }
  @container (max-width: 900px) { .figures { grid-template-columns: repeat(3, minmax(0, 1fr)); } }
  @container (max-width: 600px) {
    .figures { grid-template-columns: repeat(2, minmax(0, 1fr)); }
    .grid { grid-template-columns: minmax(0, 1fr); }
    /* Each product line becomes a labelled card: every column stays visible on a phone. */
    .lines, .lines thead, .lines tbody, .lines tfoot, .lines tr, .lines th, .lines td { display: block; }
    .lines thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    .lines tr { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 0.2rem 0.5rem; padding: 0.6rem 0; border-bottom: 1px solid var(--_border); }
    .lines th.product, .lines tfoot th { grid-column: 1 / -1; border: 0; padding: 0; }
    .lines td { border: 0; padding: 0; text-align: left; }
    .lines td.blank { display: none; }
    .lines td.gap-cell { grid-column: 1 / -1; }
    .lines td::before { content: attr(data-label); display: block; font-size: 0.75rem; color: var(--_muted); font-weight: 400; }
    .changes thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    .changes, .changes tbody, .changes td { display: block; }
    .changes tr { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 0.2rem 0.5rem; padding: 0.5rem 0; border-bottom: 1px solid var(--_border); }
    .changes td { border: 0; padding: 0; }
    .changes td:first-child { grid-column: 1 / -1; }
    .changes td:not(:first-child)::before { content: attr(data-label); display: block; font-size: 0.75rem; color: var(--_muted); }
  }
`;
