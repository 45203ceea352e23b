// lossviz: the clock of a live view.  Each time a frame arrives (new data: its frame number), ask
// for the next one with a trigger, which reruns only the fragment this sits in: `every` ms after
// the last request, or `gap` ms from now if the frame came later than that.  One request is in
// flight at a time, so a slow server or browser gets fewer frames, not a queue of reruns
// (st.fragment's run_every asks on a fixed clock whether or not the last frame has arrived).
// The trigger's value is how many intervals have passed since the last request (1 when frames
// keep pace), so the page can keep its pace in time by showing fewer, larger steps.
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const el = parentElement;
  clearTimeout(el.__lossvizTick);
  const now = performance.now();
  const asked = el.__lossvizAsked;
  const wait = Math.max(data.gap, asked === undefined ? data.every : asked + data.every - now);
  el.__lossvizTick = setTimeout(() => {
    const t = performance.now();
    el.__lossvizAsked = t;
    setTriggerValue("tick", asked === undefined ? 1 : Math.max(1, Math.round((t - asked) / data.every)));
  }, wait);
  return () => clearTimeout(el.__lossvizTick);
}
