// lossviz: a plotly chart updated in place.  Each new figure goes to Plotly.react on the graph
// already on screen, which redraws what changed (st.plotly_chart draws a new chart instead).
// Plotly.react tells "changed" from "same" by object identity for arrays, so a trace that arrives
// unchanged is handed over as the very object drawn last time (see sameTraces), and the figure has
// no template key (a new template object, even an empty one, makes plotly redraw everything).
// plotly.js is the copy Streamlit serves for its own plotly charts: loading that chunk sets
// window.Plotly.  The look follows the app's theme through Streamlit's --st-* variables.

function plotlyLoaded(chunk) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__lossvizPlotly) {
    // the chunk sits next to Streamlit's main script, wherever the app is served from
    const main = document.querySelector("script[src*='/static/js/index']");
    const url = new URL(chunk, main ? main.src : new URL("static/js/", document.baseURI));
    window.__lossvizPlotly = import(url.href).then(() => {
      if (!window.Plotly) throw new Error("Streamlit's plotly chunk did not define window.Plotly");
      return window.Plotly;
    });
  }
  return window.__lossvizPlotly;
}

const AXIS = /^[xyz]axis\d*$/;
// Streamlit's grey palette, as its own plotly theme uses it (light, dark)
const GREYS = {
  light: { faded: "#808495", grid: "#e6eaf1", legend: "#262730" },
  dark: { faded: "#e6eaf1", grid: "#31333f", legend: "#fafafa" },
};

function isObject(x) {
  return x !== null && typeof x === "object" && !Array.isArray(x);
}

function merge(base, over) {
  // the figure's own settings win; nested settings are merged, arrays replaced
  const out = { ...base };
  for (const [k, v] of Object.entries(over || {})) out[k] = isObject(v) && isObject(base[k]) ? merge(base[k], v) : v;
  return out;
}

function isDark(color) {
  const m = color.match(/\d+(\.\d+)?/g);
  if (color.startsWith("#")) {
    const h = color.length === 4 ? color.slice(1).replace(/./g, "$&$&") : color.slice(1, 7);
    return [0, 2, 4].reduce((s, i) => s + parseInt(h.slice(i, i + 2), 16), 0) < 384;
  }
  return m ? m.slice(0, 3).reduce((s, x) => s + Number(x), 0) < 384 : false;
}

function themed(layout, css, text) {
  // the look of Streamlit's own plotly theme (the one st.plotly_chart applies), from the app's theme
  const v = (name, fallback) => (css.getPropertyValue(name) || "").trim() || fallback;
  const bg = v("--st-background-color", "#ffffff");
  const font = v("--st-font", "sans-serif");
  const grey = GREYS[isDark(bg) ? "dark" : "light"];
  // sizes follow the figure's own font size (15 px; 20 px in the presenter view): tick labels and
  // legends a little smaller, as Streamlit's theme draws them
  const size = (layout.font && layout.font.size) || 15;
  const small = { color: grey.faded, size: 0.85 * size };
  const axis = (extra) => ({
    gridcolor: grey.grid, zerolinecolor: grey.grid, linecolor: grey.grid, tickcolor: grey.grid,
    tickfont: small, title: { font: { color: grey.faded, size } }, ...extra,
  });
  const theme = {
    paper_bgcolor: bg,
    plot_bgcolor: bg,
    font: { family: font, color: text },
    title: { font: { color: v("--st-heading-color", text) } },
    legend: { font: { color: grey.legend, size: 0.85 * size }, bordercolor: "rgba(0,0,0,0)", borderwidth: 0 },
    hoverlabel: { bgcolor: bg, bordercolor: grey.grid, font: { family: font, color: text, size: 0.85 * size } },
    margin: { pad: 8 },
    xaxis: axis({ showgrid: false, zeroline: false }),
    yaxis: axis({}),
  };
  const colorway = v("--st-chart-categorical-colors", "").split(",").map((c) => c.trim()).filter(Boolean);
  if (colorway.length) theme.colorway = colorway;
  for (const name of Object.keys(layout)) {
    if (AXIS.test(name) && !theme[name]) theme[name] = name.startsWith("x") ? theme.xaxis : theme.yaxis;
    if (/^scene\d*$/.test(name)) {
      theme[name] = {};
      for (const a of ["xaxis", "yaxis", "zaxis"]) theme[name][a] = axis({ backgroundcolor: bg });
    }
  }
  return merge(theme, layout);
}

// plotly's typed-array spec ({dtype, bdata[, shape]}, little-endian), as plotly.js reads it
const TYPED = {
  f8: Float64Array, f4: Float32Array, i4: Int32Array, u4: Uint32Array,
  i2: Int16Array, u2: Uint16Array, i1: Int8Array, u1: Uint8Array, u1c: Uint8ClampedArray,
};

function decoded(x) {
  // the figure with its base64 arrays decoded once, here: plotly would decode them again on every
  // draw, into new arrays, and so see every array as changed
  if (Array.isArray(x)) return x.map(decoded);
  if (!isObject(x)) return x;
  if (typeof x.bdata === "string" && TYPED[x.dtype]) {
    const shape = String(x.shape ?? "").split(",").filter((n) => n.trim() !== "").map(Number);
    if (shape.length > 2) return x; // plotly decodes those itself
    const bytes = Uint8Array.from(atob(x.bdata), (c) => c.charCodeAt(0));
    const flat = new TYPED[x.dtype](bytes.buffer);
    if (shape.length < 2) return flat;
    const [rows, cols] = shape;
    return Array.from({ length: rows }, (_, r) => flat.subarray(r * cols, (r + 1) * cols));
  }
  const out = {};
  for (const [k, v] of Object.entries(x)) out[k] = decoded(v);
  return out;
}

// lossviz.ui.preview's patches carry typed arrays too: it decodes them with this
window.__lossvizDecoded = decoded;

function sameTraces(div, traces) {
  // a trace identical (as JSON) to the one in the same place last time is that same object, so
  // Plotly.react skips it; a slider move that only shifts a line (a layout shape) redraws only that
  const before = div.__lossvizTraces || [];
  const now = traces.map((t, i) => {
    const json = JSON.stringify(t);
    return before[i] && before[i].json === json ? before[i] : { json, trace: decoded(t) };
  });
  div.__lossvizTraces = now;
  return now.map((t) => t.trace);
}

export default function (component) {
  const { data, parentElement } = component;
  let div = parentElement.querySelector(".lossviz-plot");
  if (!div) {
    div = document.createElement("div");
    div.className = "lossviz-plot";
    div.style.width = "100%";
    parentElement.appendChild(div);
  }
  const css = getComputedStyle(parentElement);
  const text = css.getPropertyValue("--st-text-color").trim() || "#31333F";
  // "#010101" in a figure is ink (figures.common.COLORS["ink"]): the theme's text colour
  const fig = JSON.parse(data.spec.replaceAll('"#010101"', JSON.stringify(text)));
  const { template, ...own } = fig.layout || {}; // eslint-disable-line no-unused-vars
  const layout = themed(own, css, text);
  div.style.height = (layout.height || 450) + "px";
  const draw = (Plotly) => {
    div.__lossvizGone = false;
    div.__lossvizLayout = layout; // as the server drew it; lossviz.ui.preview patches it on a slider move
    div.__lossvizConfig = data.config || {};
    // a slider that lossviz.ui.preview draws at once may have moved on since this figure was made
    const sent = sameTraces(div, fig.data || []);
    const { traces, layout: now } = window.__lvPreview
      ? window.__lvPreview.figureFor(div, sent, layout)
      : { traces: sent, layout };
    const shown = JSON.stringify(now);
    const same = div._fullLayout && shown === div.__lossvizShown && traces.length === (div.data || []).length
      && traces.every((t, i) => t === div.data[i]);
    if (same) return; // lossviz.ui.preview has drawn this already (Plotly.react would still take ~10 ms)
    div.__lossvizShown = shown;
    // plotly writes into the layout it is given (an axis's type): it gets a copy, so that the
    // layouts kept here stay as the server sent them and compare equal next time
    const drawn = Plotly.react(div, traces, structuredClone(now), div.__lossvizConfig);
    // the draw may end later (plotly draws again once the margins are known): see the cleanup below;
    // a failed draw is still reported as the page's error
    div.__lossvizDrawn = Promise.resolve(drawn).catch((err) => { setTimeout(() => { throw err; }); });
    if (!div.__lossvizResize) {
      // the column can change width without the window doing so (sidebar, phone rotation)
      div.__lossvizResize = new ResizeObserver(() => {
        // a chart just taken off the page also reports a new size: plotly rejects resizing it
        // ("Resize must be passed a displayed plot div element"), an error nobody would handle
        if (div._fullLayout && div.isConnected && !div.__lossvizGone) Plotly.Plots.resize(div).catch(() => {});
      });
      div.__lossvizResize.observe(div);
    }
  };
  if (window.Plotly) draw(window.Plotly); // in the same task as Streamlit's update: no frame in between
  else plotlyLoaded(data.chunk).then(draw, (err) => { div.textContent = "This chart could not be drawn: " + err; });
  return () => {
    div.__lossvizGone = true;
    if (div.__lossvizResize) div.__lossvizResize.disconnect();
    div.__lossvizResize = undefined;
    div.__lossvizTraces = undefined;
    div.__lossvizShown = undefined;
    // purge once the last draw has ended: purged in mid-draw, plotly's remaining steps find the
    // graph's state gone and throw ("reading '_redrawFromAutoMarginCount'", "emit is not a
    // function"), as slow browsers showed when a chart was removed right after it was drawn
    (div.__lossvizDrawn || Promise.resolve()).then(() => {
      if (div.__lossvizGone && window.Plotly) window.Plotly.purge(div);
    });
  };
}
