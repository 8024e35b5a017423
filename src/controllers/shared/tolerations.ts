// Toleration.ToleratesTaint, the one rule the scheduler, the DaemonSet controller and taint eviction all decide by.

export interface TolerationLike {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

export interface TaintLike {
  key: string;
  value?: string;
  effect: string;
}

/** Empty effect and key match any; operator Exists ignores the value, Equal (or empty) compares it. */
export function toleratesTaint(toleration: TolerationLike, taint: TaintLike): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? '') {
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}
