import { css } from 'lit';

export const syncToolsStyles = css`
  section { display: flex; flex-direction: column; gap: 0.75rem; }
  .tools { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: 0.75rem; }
  .tool { display: flex; flex-direction: column; gap: 0.35rem; }
  .tool h3 { margin: 0; }
  .tool .btn { align-self: flex-start; margin-top: auto; }
  .scroll { overflow-x: auto; border: 1px solid var(--_border); border-radius: var(--_radius); }
  table { width: 100%; border-collapse: collapse; }
  th, td { padding: 0.45rem 0.7rem; border-bottom: 1px solid var(--_border); text-align: left; }
  th { background: var(--_surface-alt); font-weight: 600; }
  tbody tr:last-child td { border-bottom: 0; }
  .run-status.succeeded { color: var(--_matched); }
  .run-status.failed { color: var(--_under); }
  .run-status.running, .run-status.queued { color: var(--_accent); }
`;
