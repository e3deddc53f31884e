// Palette and common pieces shared by every widget. Public `--b1r-*` properties (documented
// on each element with @cssproperty) map to private `--_*` ones with light and dark defaults.
import { css } from 'lit';

export const baseStyles = css`
  :host {
    --_surface: var(--b1r-color-surface, #ffffff);
    --_surface-alt: var(--b1r-color-surface-alt, #f4f6f8);
    --_text: var(--b1r-color-text, #1f2328);
    --_muted: var(--b1r-color-text-muted, #57606a);
    --_border: var(--b1r-color-border, #d0d7de);
    --_accent: var(--b1r-color-accent, #0b5cad);
    --_on-accent: var(--b1r-color-on-accent, #ffffff);
    --_under: var(--b1r-color-under, #b42318);
    --_over: var(--b1r-color-over, #8a5a00);
    --_matched: var(--b1r-color-matched, #1a7f37);
    --_radius: var(--b1r-radius, 8px);
    --_focus: var(--b1r-focus-ring, #0969da);
    display: block;
    box-sizing: border-box;
    container-type: inline-size;
    font-family: var(--b1r-font-family, inherit);
    font-size: var(--b1r-font-size, 0.875rem);
    line-height: 1.45;
    color: var(--_text);
    background: var(--_surface);
    color-scheme: light dark;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_surface: var(--b1r-color-surface, #16191d);
      --_surface-alt: var(--b1r-color-surface-alt, #22272e);
      --_text: var(--b1r-color-text, #e6edf3);
      --_muted: var(--b1r-color-text-muted, #9ea7b3);
      --_border: var(--b1r-color-border, #3d444d);
      --_accent: var(--b1r-color-accent, #4493f8);
      --_on-accent: var(--b1r-color-on-accent, #0d1117);
      --_under: var(--b1r-color-under, #ff8182);
      --_over: var(--b1r-color-over, #e3b341);
      --_matched: var(--b1r-color-matched, #56d364);
      --_focus: var(--b1r-focus-ring, #58a6ff);
    }
  }
  :host([hidden]) { display: none; }
  *, *::before, *::after { box-sizing: inherit; }
  h2, h3, h4 { margin: 0 0 0.5rem; line-height: 1.25; }
  h2 { font-size: 1.15rem; }
  h3 { font-size: 1rem; }
  p { margin: 0.25rem 0; }
  a { color: var(--_accent); }
  :focus-visible { outline: 2px solid var(--_focus); outline-offset: 2px; }
  .muted { color: var(--_muted); }
  .visually-hidden {
    position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0;
    overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
  }
  /* Keeps visually hidden text inside its scroll box instead of widening the page. */
  .scroll, .table-wrap, figure { position: relative; }
  .btn {
    font: inherit; cursor: pointer; border-radius: 6px; padding: 0.4rem 0.85rem;
    border: 1px solid var(--_border); background: var(--_surface-alt); color: var(--_text);
    min-height: 2.25rem;
  }
  .btn:hover:not(:disabled) { border-color: var(--_accent); }
  .btn.primary { background: var(--_accent); border-color: var(--_accent); color: var(--_on-accent); }
  .btn:disabled { cursor: not-allowed; opacity: 0.6; }
  input, select {
    font: inherit; color: var(--_text); background: var(--_surface);
    border: 1px solid var(--_border); border-radius: 6px; padding: 0.35rem 0.5rem; min-height: 2.25rem;
  }
  .state {
    display: flex; flex-direction: column; align-items: flex-start; gap: 0.4rem;
    padding: 1rem; border: 1px dashed var(--_border); border-radius: var(--_radius); margin: 0.5rem 0;
  }
  .state.pending { flex-direction: row; align-items: center; border-style: solid; }
  .state.error { border: 1px solid var(--_under); }
  .spinner {
    width: 1rem; height: 1rem; border-radius: 50%; border: 2px solid var(--_border);
    border-top-color: var(--_accent); animation: b1r-spin 0.8s linear infinite;
  }
  @keyframes b1r-spin { to { transform: rotate(360deg); } }
  @media (prefers-reduced-motion: reduce) { .spinner { animation: none; } }
  .progress {
    height: 0.5rem; border-radius: 999px; background: var(--_surface-alt);
    border: 1px solid var(--_border); overflow: hidden; margin: 0.4rem 0 0.2rem;
  }
  .progress-fill { height: 100%; background: var(--_accent); transition: width 0.3s ease; }
  .progress.indeterminate .progress-fill { width: 35%; animation: b1r-slide 1.2s ease-in-out infinite; }
  @keyframes b1r-slide { from { transform: translateX(-100%); } to { transform: translateX(300%); } }
  @media (prefers-reduced-motion: reduce) { .progress.indeterminate .progress-fill { animation: none; width: 100%; opacity: 0.5; } }
  /* A scroll box a keyboard can reach (axe scrollable-region-focusable). */
  [role='region'][tabindex='0']:focus-visible { outline: 2px solid var(--_focus); outline-offset: 2px; }
  .state.outage { border: 1px solid var(--_over); }
  .num { text-align: right; font-variant-numeric: tabular-nums; }
  .unpriced { color: var(--_over); font-size: 0.85em; white-space: nowrap; }
  .history {
    display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; padding: 0.5rem 0.75rem;
    border: 1px solid var(--_over); border-left-width: 4px; border-radius: 6px; background: var(--_surface-alt);
  }
  .run-error { color: var(--_under); }
  .tone-under { color: var(--_under); }
  .tone-over { color: var(--_over); }
  .tone-matched { color: var(--_matched); }
  .panel {
    border: 1px solid var(--_border); border-radius: var(--_radius);
    padding: 1rem; background: var(--_surface);
  }
`;
