import { css } from 'lit';

export const settingsStyles = css`
  :host { background: transparent; }
  .settings { display: flex; flex-direction: column; gap: 1rem; }
  .section-title { margin: 0; }
  .integrations { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1rem; }
  form { display: flex; flex-direction: column; gap: 0.6rem; }
  .form-head { display: flex; flex-direction: column; gap: 0.25rem; }
  .form-head h3 { margin: 0; }
  .integration-status { display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; align-items: center; font-size: 0.85rem; }
  .last-error { flex-basis: 100%; overflow-wrap: anywhere; }
  .field { display: flex; flex-direction: column; gap: 0.2rem; }
  .row .field { flex: 1 1 12rem; }
  .field label { font-weight: 600; }
  .field.check, label.check { flex-direction: row; align-items: center; gap: 0.4rem; font-weight: 400; }
  .field.check label { font-weight: 400; }
  .row { display: flex; flex-wrap: wrap; gap: 0.75rem; }
  .actions { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
  fieldset { border: 1px solid var(--_border); border-radius: 6px; padding: 0.5rem 0.75rem; margin: 0; }
  legend { font-weight: 600; padding: 0 0.25rem; }
  .checks { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: 0.25rem 0.75rem; }
  label.check { display: flex; }
  .form-error { color: var(--_under); font-weight: 600; }
  .badge {
    display: inline-block; padding: 0 0.45rem; border-radius: 999px; font-size: 0.75rem; font-weight: 600;
    border: 1px solid var(--_border); color: var(--_muted); text-transform: none;
  }
  .badge.ok, .badge.confirmed { color: var(--_matched); border-color: currentColor; }
  .badge.error { color: var(--_under); border-color: currentColor; }
  .badge.suggested { color: var(--_over); border-color: currentColor; }
  .badge.ambiguous { color: var(--_under); border-color: currentColor; }
  .scroll { overflow-x: auto; max-width: 100%; min-width: 0; }
  .settings > *, section.panel > * { min-width: 0; }
  table { width: 100%; border-collapse: collapse; }
  th, td { padding: 0.4rem 0.6rem; border-bottom: 1px solid var(--_border); text-align: left; vertical-align: middle; }
  th { background: var(--_surface-alt); font-weight: 600; }
  td select { max-width: 100%; }
  .row-action { white-space: nowrap; }
  .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
  section.panel { display: flex; flex-direction: column; gap: 0.5rem; }

  .channels { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.5rem; }
  .channel { display: flex; flex-direction: column; gap: 0.35rem; padding: 0.6rem 0.75rem; border: 1px solid var(--_border); border-radius: 6px; }
  .channel-head { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; }
  .channel-target { overflow-wrap: anywhere; font-size: 0.85rem; }
  .channel-form { border: 1px solid var(--_border); border-radius: 6px; padding: 0.75rem; }
  .test-result { margin: 0; }
  .btn.danger { border-color: var(--_under); color: var(--_under); }
  .deliveries td .muted { display: block; font-size: 0.8rem; }
  h4 { margin: 0.5rem 0 0; }

  .mapping-tools { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
  .mapping-tools .search { flex: 1 1 14rem; display: flex; }
  .mapping-tools .search input { width: 100%; }
  @container (max-width: 600px) {
    /* Each mapping becomes a card: State and Confirm stay visible on a phone. */
    .mapping, .mapping tbody, .mapping tr, .mapping td { display: block; }
    .mapping thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    .mapping tr { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 0.3rem 0.5rem; padding: 0.6rem 0; border-bottom: 1px solid var(--_border); }
    .mapping td { border: 0; padding: 0; }
    .mapping td.org, .mapping td:nth-child(2) { grid-column: 1 / -1; }
    .mapping td select { width: 100%; }
    .deliveries, .deliveries tbody, .deliveries td { display: block; }
    .deliveries thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    .deliveries tr { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0.3rem 0.5rem; padding: 0.6rem 0; border-bottom: 1px solid var(--_border); }
    .deliveries td { border: 0; padding: 0; }
    .deliveries td::before { content: attr(data-label); display: block; font-size: 0.75rem; color: var(--_muted); }
  }
`;
