import { css } from 'lit';

export const historyStyles = css`
  :host { background: transparent; container-type: normal; max-width: 100%; min-width: 0; }
  .picker { display: flex; flex-wrap: wrap; align-items: center; gap: 0.35rem 0.5rem; }
  label { font-weight: 600; font-size: 0.85rem; }
  select { min-width: 0; max-width: 100%; flex: 1 1 12rem; width: auto; }
`;
