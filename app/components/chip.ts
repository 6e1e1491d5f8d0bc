/**
 * A filter chip's props (app.css's `.chip`): the chosen one is marked `aria-current="true"`,
 * which both colours it and tells a screen reader which filter is on.
 */
export const chipProps = (active: boolean) => ({
  className: "chip",
  "aria-current": active ? ("true" as const) : undefined,
});
