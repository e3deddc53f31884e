import { css } from 'lit';

export const homeCardStyles = css`
  :host { max-width: 28rem; background: transparent; }
  article { border-top: 4px solid var(--_under); }
  .figures { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; }
  .figure { display: flex; flex-direction: column; margin: 0; }
  .value { font-size: 1.6rem; font-weight: 700; color: var(--_under); line-height: 1.2; }
  .label { color: var(--_muted); font-size: 0.85rem; }
  .small { font-size: 0.8rem; margin-top: 0.5rem; }
  .figure-link { display: flex; flex-direction: column; color: inherit; text-decoration: none; }
  .figure-link:hover .label { text-decoration: underline; }
  .more { display: inline-block; margin-top: 0.5rem; font-weight: 600; }
`;
