/**
 * Cron schedules for the embedded executor: the five standard fields (minute, hour, day of month,
 * month, day of week; UTC) with `*`, `a-b`, `a,b`, and `/n` steps. Enough for the app's own
 * schedules; an expression outside this subset is refused when the function is registered.
 */
const RANGES: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];

function parseField(field: string, [min, max]: [number, number]): Set<number> {
  const values = new Set<number>();
  for (const part of field.split(",")) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new Error(`unsupported cron field ${JSON.stringify(field)}`);
    const from = m[1] === "*" ? min : Number(m[2]);
    const to = m[1] === "*" ? max : m[3] !== undefined ? Number(m[3]) : m[4] ? max : from;
    const step = m[4] ? Number(m[4]) : 1;
    if (from < min || to > max || from > to || step < 1) throw new Error(`cron field ${JSON.stringify(field)} out of range`);
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

export interface CronSchedule {
  /** The first matching minute strictly after `after`. */
  next(after: Date): Date;
}

/** Parses `expr`. @throws Error for anything outside the supported subset */
export function parseCron(expr: string): CronSchedule {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`cron ${JSON.stringify(expr)} must have five fields`);
  const [minutes, hours, days, months, weekdays] = fields.map((f, i) => parseField(f, RANGES[i]!));
  return {
    next(after) {
      const t = new Date(after.getTime());
      t.setUTCSeconds(0, 0);
      t.setUTCMinutes(t.getUTCMinutes() + 1);
      for (let i = 0; i < 366 * 24 * 60; i++) {
        if (
          minutes!.has(t.getUTCMinutes()) &&
          hours!.has(t.getUTCHours()) &&
          days!.has(t.getUTCDate()) &&
          months!.has(t.getUTCMonth() + 1) &&
          weekdays!.has(t.getUTCDay())
        ) {
          return t;
        }
        t.setUTCMinutes(t.getUTCMinutes() + 1);
      }
      throw new Error(`cron ${JSON.stringify(expr)} never fires`);
    },
  };
}
