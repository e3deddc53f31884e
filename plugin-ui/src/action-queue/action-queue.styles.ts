import { css } from 'lit';

export const actionQueueStyles = css`
  section { display: flex; flex-direction: column; gap: 0.75rem; }
  .toolbar { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem; }
  .toolbar h2 { margin: 0; }
  h3 { margin: 0.5rem 0 0; }
  .count { display: inline-block; min-width: 1.5rem; padding: 0 0.4rem; border-radius: 999px; background: var(--_surface-alt); border: 1px solid var(--_border); text-align: center; font-size: 0.85rem; }
  .reason { font-size: 0.85rem; }
  .bulk { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem; padding: 0.5rem 0.75rem; border: 1px solid var(--_border); border-radius: var(--_radius); background: var(--_surface-alt); }
  .check { display: inline-flex; align-items: center; gap: 0.4rem; }
  .check.large { color: var(--_over); font-weight: 600; }
  input[type='checkbox'] { min-height: auto; width: 1.1rem; height: 1.1rem; }
  .actions { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.6rem; }
  .action { border: 1px solid var(--_border); border-radius: var(--_radius); padding: 0.75rem 1rem; display: flex; flex-direction: column; gap: 0.5rem; }
  .action[data-state='failed'], .action[data-state='conflict'] { border-left: 4px solid var(--_under); }
  .action[data-state='applied'] { border-left: 4px solid var(--_matched); }
  .action-head { display: flex; align-items: flex-start; gap: 0.75rem; }
  .action-head .select { margin-top: 0.15rem; flex: none; }
  .title { display: flex; flex-wrap: wrap; align-items: center; gap: 0.35rem 0.75rem; min-width: 0; overflow-wrap: anywhere; }
  .item { display: flex; flex-direction: column; gap: 0.4rem; }
  .meta { font-size: 0.8rem; }
  .outcome.ok { color: var(--_matched); }
  .outcome.error { color: var(--_under); }
  .verification { color: var(--_matched); }
`;
