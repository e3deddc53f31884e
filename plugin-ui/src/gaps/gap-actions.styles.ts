import { css } from 'lit';

// Dialog and badge styles shared by the gap actions and the approval queue.
export const dialogStyles = css`
  dialog {
    color: var(--_text); background: var(--_surface); border: 1px solid var(--_border);
    border-radius: var(--_radius); padding: 1.25rem; width: min(34rem, calc(100vw - 2rem)); max-height: calc(100vh - 2rem);
  }
  dialog::backdrop { background: rgb(0 0 0 / 0.45); }
  dialog form { display: flex; flex-direction: column; gap: 0.75rem; }
  dialog label { display: flex; flex-direction: column; gap: 0.25rem; font-weight: 600; }
  dialog label > * { font-weight: 400; }
  dialog label.check { flex-direction: row; align-items: center; gap: 0.5rem; }
  dialog textarea { font: inherit; color: var(--_text); background: var(--_surface); border: 1px solid var(--_border); border-radius: 6px; padding: 0.35rem 0.5rem; }
  .hint { font-size: 0.8rem; margin-top: -0.5rem; }
  .dialog-buttons { display: flex; flex-wrap: wrap; justify-content: flex-end; gap: 0.5rem; }
  .preview { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.25rem 1rem; margin: 0; }
  .preview dt { color: var(--_muted); }
  .preview dd { margin: 0; overflow-wrap: anywhere; }
  .preview .id { font-size: 0.75rem; }
  .warnings { margin: 0; padding: 0.5rem 0.75rem 0.5rem 1.75rem; border-left: 4px solid var(--_over); background: var(--_surface-alt); border-radius: 4px; }
  .error { color: var(--_under); }
  .done { padding: 0.5rem 0.75rem; border-left: 4px solid var(--_matched); background: var(--_surface-alt); border-radius: 4px; }
  .badge { display: inline-flex; align-items: center; gap: 0.3rem; padding: 0.05rem 0.5rem; border-radius: 999px; font-size: 0.8rem; border: 1px solid currentColor; }
  .badge .spinner { width: 0.75rem; height: 0.75rem; }
  .action-proposed, .action-approved, .action-scheduled { color: var(--_accent); }
  .action-applying { color: var(--_accent); border-style: dashed; }
  .action-applied { color: var(--_matched); }
  .action-failed, .action-conflict { color: var(--_under); }
  .action-cancelled { color: var(--_muted); }
`;

export const gapActionsStyles = [dialogStyles, css`
  :host { display: block; background: transparent; }
  .gap { display: flex; flex-wrap: wrap; align-items: center; gap: 0.35rem 0.5rem; }
  .gap-state { font-size: 0.8rem; color: var(--_muted); }
  .gap-state.state-accepted, .gap-state.state-closed { color: var(--_matched); }
  .gap-state.state-action-pending, .gap-state.state-action-applied { color: var(--_accent); }
  .buttons { display: inline-flex; flex-wrap: wrap; gap: 0.35rem; }
  .btn.small { min-height: 2rem; padding: 0.2rem 0.6rem; font-size: 0.8rem; }
`];
