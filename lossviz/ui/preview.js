// lossviz: a select_slider's move drawn in the browser at once, before the server's rerun is back.
// The server sends, once per setting of the other controls, what every position of the slider
// shows: each readout's text and each chart's patch (lossviz/figures/frames.py packs them; unpack
// below is its inverse).  On a move this fills the readouts (st.metric values, found by label, and
// the labels that move too) and hands the patched traces and layout to Plotly.react on the charts
// lossviz.ui.plot draws.  The rerun then draws the same values (tests compare both paths).  Until
// the script has finished after a move, a rerun's output that arrives for an earlier position (a
// fast drag) is put right at once, and charts ask figureFor() before each draw, so the page never
// steps back.  Outside a move nothing here touches the page: a change of another control (y,
// "Predict first") is drawn as the server sends it, and so is a move that starts while a run is
// under way.
const LV = (window.__lvPreview = window.__lvPreview || { sliders: {} });

function fill(t, nums, at) {
  if (t === null) return nums[at.i++];
  if (Array.isArray(t)) return t.map((v) => fill(v, nums, at));
  if (typeof t === "object") {
    const out = {};
    for (const [k, v] of Object.entries(t)) out[k] = fill(v, nums, at);
    return out;
  }
  return t;
}

function unpack(packed, i) {
  const frame = packed.frames[i];
  if (!frame) return null;
  const patch = fill(packed.templates[frame[0]], frame.slice(1), { i: 0 });
  // plotly's typed arrays ({dtype, bdata}) decoded as lossviz.ui.plot decodes a figure's, which
  // defines the decoder: a chart to patch means it has run
  return window.__lossvizDecoded ? window.__lossvizDecoded(patch) : patch;
}

function patched(traces, layout, patch) {
  // "data.<i>.<attribute>" replaces that attribute of trace i; any other path is a layout path
  // ("yaxis.range"), set on copies of the objects along it
  const out = { ...layout };
  let data = traces;
  for (const [path, value] of Object.entries(patch)) {
    if (path.startsWith("data.")) {
      const rest = path.slice(5);
      const dot = rest.indexOf(".");
      const i = Number(rest.slice(0, dot));
      if (data === traces) data = traces.slice();
      if (data[i]) data[i] = { ...data[i], [rest.slice(dot + 1)]: value };
      continue;
    }
    const keys = path.split(".");
    let o = out;
    for (const k of keys.slice(0, -1)) o = o[k] = { ...(o[k] || {}) };
    o[keys[keys.length - 1]] = value;
  }
  return { traces: data, layout: out };
}

function position(s) {
  // looked up each time: Streamlit may draw the slider after this component, or draw it anew
  const el = document.querySelector(`.st-key-${s.slider} input[type='range']`);
  if (!el) return null;
  const i = Number(el.value);
  return Number.isInteger(i) && i >= 0 && i < s.size ? i : null;
}

function watchSliders() {
  // a move is a change of a range input's value (keys, pointer, or the server's own value); one
  // observer for the whole page, so that a slider drawn after its preview, or drawn anew, is seen
  if (LV.sliderObserver) return;
  LV.sliderObserver = new MutationObserver((records) => {
    for (const r of records) {
      if (!(r.target instanceof HTMLInputElement) || r.target.type !== "range") continue;
      for (const s of Object.values(LV.sliders)) if (r.target.closest(`.st-key-${s.slider}`)) moved(s);
    }
  });
  LV.sliderObserver.observe(document.body, { subtree: true, attributes: true, attributeFilter: ["value", "aria-valuetext"] });
  // a slider drawn after its preview has no start yet: a key or pointer press comes before its move
  const start = () => {
    for (const s of Object.values(LV.sliders)) if (s.shown === null) s.shown = position(s);
  };
  document.addEventListener("keydown", start, true);
  document.addEventListener("pointerdown", start, true);
}

function firstText(el) {
  // the text node React holds for a plain label or value
  const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, { acceptNode: (n) => (n.nodeValue.trim() ? 1 : 3) });
  return walk.nextNode();
}

function metricValues(s) {
  // [the metric, the element that holds its value, the element that holds its label, its readout]
  const out = [];
  for (const m of document.querySelectorAll("[data-testid='stMetric']")) {
    const label = m.querySelector("[data-testid='stMetricLabel']");
    const text = label && label.textContent.trim();
    const readout = text && s.readouts.find(([labels]) => labels.includes(text));
    const box = m.querySelector("[data-testid='stMetricValue']");
    if (readout && box) out.push([m, box, label, readout]);
  }
  return out;
}

function setText(el, text) {
  const node = el && firstText(el);
  if (node && node.nodeValue !== text) node.nodeValue = text;
}

function fixReadouts(s, i) {
  if (s.metrics.length === 0 || s.metrics.some(([m]) => !m.isConnected)) {
    s.metrics = metricValues(s);
    // a rerun that arrives for an earlier position (a fast drag) is put right in the same task
    s.metricObserver.disconnect();
    for (const [m] of s.metrics) s.metricObserver.observe(m, { subtree: true, childList: true, characterData: true });
  }
  for (const [, box, label, [labels, values]] of s.metrics) {
    // set in place, in the text node React holds, so its next update lands on what is on screen
    setText(box, values[i]);
    if (labels.length > 1) setText(label, labels[i]);
  }
}

function chartPatch(div) {
  for (const s of Object.values(LV.sliders)) {
    if (!s.moving) continue;
    for (const [key, packed] of Object.entries(s.charts)) {
      if (!div.closest(`.st-key-${key}`)) continue;
      const i = position(s);
      return i === null ? null : unpack(packed, i);
    }
  }
  return null;
}

// lossviz.ui.plot asks this before each draw: the traces and layout for where the slider is now
LV.figureFor = (div, traces, layout) => {
  const patch = chartPatch(div);
  return patch ? patched(traces, layout, patch) : { traces, layout };
};

function draw(key) {
  const div = document.querySelector(`.st-key-${key} .lossviz-plot`);
  if (!div || !div._fullLayout || !div.__lossvizLayout || !div.__lossvizTraces) return;
  // patched from the figure the server sent last (div.data may hold an earlier preview's traces)
  const sent = div.__lossvizTraces.map((t) => t.trace);
  const { traces, layout } = LV.figureFor(div, sent, div.__lossvizLayout);
  div.__lossvizShown = JSON.stringify(layout); // lossviz.ui.plot skips a rerun's draw of the same
  window.Plotly.react(div, traces, structuredClone(layout), div.__lossvizConfig);
}

const afterPaint = (fn) => requestAnimationFrame(() => setTimeout(fn, 0));

function show(s, i) {
  fixReadouts(s, i);
  if (!window.Plotly) return;
  const keys = Object.keys(s.charts);
  if (!s.staggered) {
    for (const key of keys) draw(key);
    return;
  }
  // Staggered: the readouts and the first chart (the one that teaches most) in one frame, the
  // other charts after that frame is painted, so a move is seen sooner than if every chart were
  // redrawn first (XOR's learning rate: 3 charts of 10-17 ms each).  A later move starts its own
  // round; each draw reads where the slider is then (figureFor), and once the rerun is over it
  // has drawn the rest itself.
  const round = (s.round = (s.round || 0) + 1);
  const [first, ...rest] = keys;
  if (first) draw(first);
  afterPaint(() => {
    if (s.round === round && s.moving) for (const key of rest) draw(key);
  });
}

function moved(s) {
  const i = position(s);
  if (i === null) return;
  if (s.shown === null) {
    s.shown = i; // the slider has just appeared: where it starts, not a move
    return;
  }
  if (i !== s.shown) {
    s.shown = i;
    // a move that starts while a run is under way (a Step on the XOR page) waits for the server:
    // that run may bring this preview's frames for another state
    if (!s.moving && scriptRunning()) return;
    s.moving = true;
    watchScript();
    show(s, i);
  } else if (s.moving) fixReadouts(s, i);
}

function scriptRunning() {
  const app = document.querySelector("[data-testid='stApp']");
  return !!app && app.getAttribute("data-test-script-state") !== "notRunning";
}

function watchScript() {
  // a move is over when the script has finished: its last output is for where the slider is
  if (LV.scriptObserver) return;
  const app = document.querySelector("[data-testid='stApp']");
  if (!app) return;
  LV.scriptObserver = new MutationObserver(() => {
    if (scriptRunning()) return;
    for (const s of Object.values(LV.sliders)) {
      s.moving = false;
      s.metricObserver.disconnect();
      s.metrics = [];
    }
  });
  LV.scriptObserver.observe(app, { attributes: true, attributeFilter: ["data-test-script-state"] });
}

function stop(s) {
  s.metricObserver.disconnect();
}

export default function (component) {
  const { data, parentElement } = component;
  if (!parentElement.querySelector(".lossviz-preview")) {
    const mark = document.createElement("div");
    mark.className = "lossviz-preview";
    parentElement.appendChild(mark);
  }
  // "#010101" is ink, the theme's text colour (as lossviz.ui.plot draws it)
  const ink = JSON.stringify(getComputedStyle(parentElement).getPropertyValue("--st-text-color").trim() || "#31333F");
  LV.parsed = LV.parsed || {};
  let parsed = LV.parsed[data.slider];
  if (!parsed || parsed.source !== data.charts || parsed.ink !== ink) {
    parsed = { source: data.charts, ink, charts: JSON.parse(data.charts.replaceAll('"#010101"', ink)) };
    LV.parsed[data.slider] = parsed;
  }
  const old = LV.sliders[data.slider];
  if (old) stop(old);
  const s = {
    slider: data.slider,
    size: data.size,
    readouts: data.readouts,
    charts: parsed.charts,
    staggered: !!data.staggered,
    shown: null,
    moving: false,
    metrics: [],
  };
  s.metricObserver = new MutationObserver(() => moved(s));
  LV.sliders[data.slider] = s;
  watchSliders();
  s.shown = position(s);
  if (old && old.moving && s.shown !== null) {
    // a rerun for an earlier position of a move still under way: what it drew is put right now
    s.moving = true;
    show(s, s.shown);
  }
  return () => {
    if (LV.sliders[data.slider] === s) {
      delete LV.sliders[data.slider];
      stop(s);
    }
  };
}
