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
  .figures { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 0.75rem; }
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
  .trend .axis { fill: var(--_muted); font-size: 11px; }
  .series { fill: none; stroke-width: 2.5; }
  .series.devices, .dot.devices { stroke: var(--_accent); }
  .series.licenses, .dot.licenses { stroke: var(--_matched); }
  .series.licenses { stroke-dasharray: 6 4; }
  .dot { fill: var(--_surface); stroke-width: 2; }
  .legend { display: flex; gap: 1rem; font-size: 0.85rem; color: var(--_muted); }
  .swatch { display: inline-block; width: 1.25rem; height: 0; border-top: 3px solid var(--_accent); vertical-align: middle; margin-right: 0.35rem; }
  .swatch.licenses { border-top: 3px dashed var(--_matched); }
  @container (max-width: 600px) {
    .figures { grid-template-columns: repeat(2, minmax(0, 1fr)); }
    .grid { grid-template-columns: minmax(0, 1fr); }
  }
`;
