import { css } from 'lit';

export const historyStyles = css`
  :host { background: transparent; container-type: normal; }
  .picker { display: flex; flex-wrap: wrap; align-items: center; gap: 0.35rem 0.5rem; }
  label { font-weight: 600; font-size: 0.85rem; }
  select { max-width: 100%; }
`;
