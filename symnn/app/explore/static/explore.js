// symnn explore: the page keeps this tab's state and asks the server (same origin, JSON) for every formula and
// number. Nothing is fetched from anywhere else. window.symnnExplore exposes the state (tests read it).
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const ACTIVATIONS = ["linear", "sigmoid", "tanh", "relu", "step", "leaky_relu", "softplus"];
  const G_NAMES = { sigmoid: "σ", tanh: "tanh", relu: "ReLU", step: "step", leaky_relu: "LeakyReLU",
    softplus: "softplus", softmax: "softmax" };
  const PRESETS = {
    lecture: { sizes: "3,4,1", activations: ["linear", "linear"], bias: false },
    sigmoid: { sizes: "3,4,1", activations: ["sigmoid", "sigmoid"], bias: true },
    demand: { sizes: "4,3,1", activations: ["sigmoid", "sigmoid"], bias: true,
      input_names: "price, shipping cost, marketing, material",
      unit_names: ["affordability, awareness, perceived quality", "top-seller probability"] },
    xor: { sizes: "2,4,1", activations: ["tanh", "sigmoid"], bias: true },
    softmax: { sizes: "3,4,3", activations: ["relu", "softmax"], bias: true },
  };
  const STORE = "symnn-explore";  // sessionStorage: this tab only
  const state = {
    spec: null, panel: null, selected: null, params: null, trained: null, inputs: [], targets: [],
    loss: "auto", numbers: null, collapse: null, boundary: null, contour: [], training: null,
    drawn: { points: [], labels: [] }, classes: 2, pixels: new Array(35).fill(0), digits: null, prediction: null,
    requests: 0, waiting: 0,
  };
  window.symnnExplore = state;

  // --- talking to the server -------------------------------------------------------------
  async function api(path, body, signal) {
    state.requests += 1;
    try {
      const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body), signal });
      let data;
      try { data = await response.json(); } catch (e) { throw new Error(`the server answered ${response.status} without an explanation`); }
      if (!response.ok) throw new Error(data.error || `the server answered ${response.status}`);
      return data;
    } finally { state.requests -= 1; }
  }
  function showError(id, error) {
    const box = $(id);
    const message = error ? (error.message || String(error)) : "";
    box.textContent = message;
    box.hidden = !message;
  }
  // One request at a time per job; a change while one is out is sent when it returns (the last one wins).
  function latest(job) {
    let running = false, again = false;
    const run = async () => {
      if (running) { again = true; return; }
      running = true;
      try { await job(); } finally {
        running = false;
        if (again) { again = false; run(); }
      }
    };
    return run;
  }
  // fn once the calls have paused for ms; state.waiting counts the calls not yet made (tests wait for 0)
  function debounce(fn, ms) {
    let t = null;
    return (...a) => {
      if (t === null) state.waiting += 1; else clearTimeout(t);
      t = setTimeout(() => { t = null; state.waiting -= 1; fn(...a); }, ms);
    };
  }

  // --- MathML written here (numbers only; every formula with symbols comes from the server) ------------
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
  const index = (...n) => (n.every((k) => k < 10) ? n.join("") : n.join(","));
  const layerSup = (j) => `<mrow><mo stretchy="false">[</mo><mn>${j}</mn><mo stretchy="false">]</mo></mrow>`;
  const sym = (letter, sub, j) => (j === undefined ? `<msub><mi>${letter}</mi><mn>${sub}</mn></msub>`
    : `<msubsup><mi>${letter}</mi><mn>${sub}</mn>${layerSup(j)}</msubsup>`);
  function num(v) {
    if (!isFinite(v)) return "<mi>NaN</mi>";
    let text = Math.abs(v) >= 1e-4 || v === 0 ? String(Number(v.toPrecision(4))) : v.toExponential(2);
    if (text.includes("e")) {
      const [m, e] = text.split("e");
      return `<mrow><mn>${m.replace("-", "−")}</mn><mo>·</mo><msup><mn>10</mn><mn>${Number(e)}</mn></msup></mrow>`;
    }
    return v < 0 ? `<mrow><mo>−</mo><mn>${text.slice(1)}</mn></mrow>` : `<mn>${text}</mn>`;
  }
  const factor = (v) => (v < 0 ? `<mo>(</mo>${num(v)}<mo>)</mo>` : num(v));
  const math = (inner, block = true) => `<math xmlns="http://www.w3.org/1998/Math/MathML"${block ? ' display="block"' : ""}><mrow>${inner}</mrow></math>`;
  const line = (html) => `<div class="formula-line">${html}</div>`;
  const fmt = (v) => (v === null || v === undefined ? "–" : Math.abs(v) >= 1e-4 || v === 0 ? String(Number(v.toPrecision(6))) : v.toExponential(3));

  // --- the Network form -------------------------------------------------------------------
  function sizesOf(text) {
    const parts = text.split(",").map((s) => s.trim());
    return parts.every((p) => /^[0-9]{1,3}$/.test(p)) ? parts.map(Number) : null;
  }
  // What the student chose for the hidden layers (by number) and for the output layer, kept while the sizes
  // are retyped: "2,8" on the way from "2,4,1" to "2,8,1" must not turn the output's sigmoid into a hidden tanh.
  const memory = { hidden: ["linear"], output: "sigmoid", hiddenNames: [], outputNames: "" };
  function rememberLayers() {
    const acts = readActivations(), names = [...$("unit-names").querySelectorAll("input")].map((i) => i.value);
    if (!acts.length) return;
    memory.output = acts[acts.length - 1];
    memory.outputNames = names[names.length - 1] || "";
    acts.slice(0, -1).forEach((a, j) => { memory.hidden[j] = a; });
    names.slice(0, -1).forEach((n, j) => { memory.hiddenNames[j] = n; });
  }
  function renderLayerControls(keep) {
    if (keep) {
      const acts = keep.activations, names = keep.unit_names || [];
      memory.hidden = acts.slice(0, -1).length ? acts.slice(0, -1) : memory.hidden;
      memory.output = acts[acts.length - 1];
      memory.hiddenNames = names.slice(0, -1);
      memory.outputNames = names.length === acts.length ? names[names.length - 1] : "";
    }
    const sizes = sizesOf($("sizes").value);
    const depth = sizes && sizes.length > 1 ? sizes.length - 1 : (keep ? keep.activations.length : 2);
    const hidden = (j) => memory.hidden[j - 1] || memory.hidden[memory.hidden.length - 1] || "linear";
    const box = $("activations");
    box.innerHTML = "";
    for (let j = 1; j <= depth; j++) {
      let value = j === depth ? memory.output : hidden(j);
      if (value === "softmax" && j !== depth) value = "linear";
      const span = document.createElement("span");
      span.className = "layer";
      const options = [...ACTIVATIONS, ...(j === depth ? ["softmax"] : []), "formula"];
      const isFormula = value.startsWith("expr:");
      span.innerHTML = `<label for="act-${j}">layer ${j}</label> <select id="act-${j}" data-layer="${j}">` +
        options.map((o) => `<option value="${o}"${(isFormula ? "formula" : value) === o ? " selected" : ""}>${o === "formula" ? "formula g(z) =" : o}</option>`).join("") +
        `</select><input class="formula" id="formula-${j}" placeholder="z/(1 + Abs(z))" spellcheck="false"` +
        ` value="${isFormula ? esc(value.slice(5)) : ""}"${isFormula ? "" : " hidden"}>`;
      box.appendChild(span);
    }
    box.querySelectorAll("select").forEach((s) => s.addEventListener("change", () => {
      $(`formula-${s.dataset.layer}`).hidden = s.value !== "formula";
      rememberLayers();
      networkChanged();
    }));
    box.querySelectorAll("input.formula").forEach((i) => i.addEventListener("input", () => { rememberLayers(); networkChanged(); }));
    const names = $("unit-names");
    names.innerHTML = "";
    for (let j = 1; j <= depth; j++) {
      const label = document.createElement("label");
      const value = j === depth ? memory.outputNames : (memory.hiddenNames[j - 1] || "");
      label.innerHTML = `Layer ${j} units <input data-layer="${j}" size="40" value="${esc(value)}">`;
      names.appendChild(label);
    }
    names.querySelectorAll("input").forEach((i) => i.addEventListener("input", () => { rememberLayers(); networkChanged(); }));
  }
  function readActivations() {
    return [...$("activations").querySelectorAll("select")].map((s) =>
      (s.value === "formula" ? "expr:" + $(`formula-${s.dataset.layer}`).value : s.value));
  }
  function readSpec() {
    return { sizes: $("sizes").value, activations: readActivations(), bias: $("bias").checked,
      input_names: $("input-names").value,
      unit_names: [...$("unit-names").querySelectorAll("input")].map((i) => i.value) };
  }
  function applySpec(spec) {
    $("sizes").value = spec.sizes;
    $("bias").checked = spec.bias !== false;
    $("input-names").value = spec.input_names || "";
    renderLayerControls({ activations: spec.activations, unit_names: spec.unit_names || [] });
  }
  const networkChanged = debounce(() => loadNetwork(), 300);

  async function loadNetwork() {
    const spec = readSpec();
    let panel;
    try {
      panel = await api("/api/network", { network: spec });
    } catch (error) {
      showError("network-error", error);
      return;
    }
    showError("network-error", null);
    const shapeChanged = !state.panel || state.panel.sizes.join() !== panel.sizes.join() ||
      state.spec.bias !== spec.bias;
    const output = (sp) => sp && sp.activations[sp.activations.length - 1];
    if (output(state.spec) !== output(spec)) state.loss = "auto";  // another output takes other losses
    state.spec = spec;
    state.panel = panel;
    save();
    renderNetwork(panel);
    const last = panel.sizes.length - 1;
    const keep = state.selected && state.selected.layer <= last && state.selected.unit <= panel.sizes[state.selected.layer];
    selectUnit(keep ? state.selected.layer : last, keep ? state.selected.unit : 1);
    loadCollapse();
    if (shapeChanged || !state.params) {
      state.trained = null;
      $("trained-params").disabled = true;
      await randomParams();
    } else {
      numbersJob();
    }
    playgroundNetworkChanged();
  }
  function renderNetwork(panel) {
    $("network-title").textContent = panel.title;
    $("diagram").innerHTML = panel.svg;
    $("diagram-note").textContent = panel.svg_note;
    $("diagram").querySelectorAll("g.node").forEach((g) => {
      const [j, i] = g.dataset.node.slice(1).split("-").map(Number);
      g.addEventListener("click", () => selectUnit(j, i));
      g.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); selectUnit(j, i); } });
    });
    const list = $("unit-list");
    list.innerHTML = "";
    for (const layer of panel.layers) {
      for (const unit of layer.units) {
        const b = document.createElement("button");
        b.type = "button";
        b.dataset.node = unit.key;
        b.textContent = unit.name || unit.label;
        b.title = layer.title;
        const [j, i] = unit.key.slice(1).split("-").map(Number);
        b.addEventListener("click", () => selectUnit(j, i));
        list.appendChild(b);
      }
    }
  }
  async function selectUnit(j, i) {
    state.selected = { layer: j, unit: i };
    document.querySelectorAll("[data-node]").forEach((el) =>
      el.classList.toggle("selected", el.dataset.node === `n${j}-${i}`));
    try {
      const unit = await api("/api/unit", { network: state.spec, layer: j, unit: i });
      $("unit-title").textContent = unit.title[0].toUpperCase() + unit.title.slice(1);
      $("unit-forms").innerHTML = unit.forms.map((f) => `<div class="form" data-form="${esc(f.name)}"><h4>${esc(f.name)}</h4>` +
        f.lines.map((l) => `<div class="formula-line">${l}</div>`).join("") +
        (f.note ? `<p class="note">${esc(f.note)}</p>` : "") + "</div>").join("");
      showError("network-error", null);
    } catch (error) { showError("network-error", error); }
  }

  // --- Collapse ------------------------------------------------------------------------------
  async function loadCollapse() {
    const body = $("collapse-body");
    body.classList.add("busy");
    try {
      const spec = state.spec;
      const c = await api("/api/collapse", { network: spec });
      state.collapse = c;
      body.innerHTML = c.collapses ? collapsedHtml(c) : counterexampleHtml(c);
      showError("collapse-error", null);
      playgroundExplain();
      if (c.collapses) {  // the checked derivation follows (a large network's takes up to a second the first time)
        const p = await api("/api/collapse/proof", { network: spec });
        if (state.spec !== spec) return;
        c.proof = p.proof; c.report = p.report; c.verified = p.verified;
        $("collapse-proof").innerHTML = `<details class="proof" open><summary>The checked derivation (${p.report_html})</summary>${p.proof}</details>`;
      }
    } catch (error) { showError("collapse-error", error); } finally { body.classList.remove("busy"); }
  }
  function collapsedHtml(c) {
    return `<p class="verdict yes" id="collapse-verdict">It collapses. ${esc(c.sentence)}</p>` +
      `<div class="collapsed-lines" id="collapsed-lines">${c.lines.map(line).join("")}</div>` +
      (c.more ? `<p class="note">${esc(c.more)}</p>` : "") +
      `<p class="note">In block form, for every size:</p>${line(c.block)}` +
      `<div id="collapse-proof"><p class="note">checking the derivation…</p></div>`;
  }
  function counterexampleHtml(c) {
    let html = `<p class="verdict no" id="collapse-verdict">It does not collapse. ${esc(c.sentence)}</p>`;
    if (c.explain) html += `<p id="counterexample">${esc(c.explain)}</p>`;
    if (c.proof) html += `<details class="proof" open><summary>The exact counterexample, checked (${c.report_html})</summary>${c.proof}</details>`;
    return html;
  }

  // --- Numbers -------------------------------------------------------------------------------
  async function randomParams() {
    try {
      const p = await api("/api/params", { network: state.spec, seed: Number($("seed").value) || 0 });
      setParams(p);
    } catch (error) { showError("numbers-error", error); }
  }
  function setParams(p) {
    state.params = { weights: p.weights, biases: p.biases };
    const sizes = state.panel.sizes;
    if (state.inputs.length !== sizes[0]) state.inputs = Array.from({ length: sizes[0] }, (_, k) => (k % 2 === 0 ? 1 : 0));
    const outputs = sizes[sizes.length - 1];
    if (state.targets.length !== outputs) state.targets = Array.from({ length: outputs }, (_, i) => (i === 0 ? 1 : 0));
    renderSliders();
    numbersJob();
  }
  function slider(id, label, value, onChange, low = -3, high = 3) {
    const row = document.createElement("div");
    row.className = "slider";
    row.innerHTML = `<label for="${id}">${label}</label><input type="range" id="${id}" min="${low}" max="${high}" step="0.01" value="${value}">` +
      `<input type="number" id="${id}-value" step="0.01" value="${value}" aria-label="${esc(id)}">`;
    const [r, n] = row.querySelectorAll("input");
    r.addEventListener("input", () => { n.value = r.value; onChange(Number(r.value)); });
    n.addEventListener("input", () => {
      const v = Number(n.value);
      if (n.value === "" || !isFinite(v)) return;
      if (v < Number(r.min)) r.min = String(Math.floor(v));  // the slider reaches what was typed
      if (v > Number(r.max)) r.max = String(Math.ceil(v));
      r.value = n.value;
      onChange(v);
    });
    return row;
  }
  function fieldset(title, open) {
    const d = document.createElement("details");
    d.open = open;
    d.innerHTML = `<summary>${title}</summary>`;
    const f = document.createElement("fieldset");
    d.appendChild(f);
    return [d, f];
  }
  function renderSliders() {
    const box = $("sliders");
    box.innerHTML = "";
    const sizes = state.panel.sizes;
    const many = state.panel.parameters > 40;
    const [inD, inF] = fieldset("inputs x and targets y", true);
    state.inputs.forEach((v, k) => inF.appendChild(slider(`x${k + 1}`, math(sym("x", k + 1), false), v,
      (value) => { state.inputs[k] = value; numbersJob(); })));
    state.targets.forEach((v, i) => inF.appendChild(slider(`y${i + 1}`, math(sym("y", i + 1), false), v,
      (value) => { state.targets[i] = value; numbersJob(); }, 0, 1)));
    const loss = document.createElement("label");
    loss.innerHTML = `loss <select id="loss"><option value="auto">auto</option></select>`;
    if (!(state.numbers && state.numbers.loss_choices.includes(state.loss))) state.loss = "auto";
    fillLossChoices(loss.querySelector("select"), state.numbers ? state.numbers.loss_choices : []);
    loss.querySelector("select").addEventListener("change", (e) => { state.loss = e.target.value; numbersJob(); });
    inF.appendChild(loss);
    box.appendChild(inD);
    for (let j = 1; j < sizes.length; j++) {
      const [d, f] = fieldset(`layer ${j}: weights and biases`, !many || j === sizes.length - 1);
      for (let i = 1; i <= sizes[j]; i++) {
        for (let k = 1; k <= sizes[j - 1]; k++) {
          f.appendChild(slider(`w${k}-${i}-${j}`, math(sym("w", index(k, i), j), false), state.params.weights[j - 1][k - 1][i - 1],
            (value) => { state.params.weights[j - 1][k - 1][i - 1] = value; numbersJob(); }));
        }
        if (state.params.biases) {
          f.appendChild(slider(`b${i}-${j}`, math(sym("b", i, j), false), state.params.biases[j - 1][i - 1],
            (value) => { state.params.biases[j - 1][i - 1] = value; numbersJob(); }));
        }
      }
      box.appendChild(d);
    }
  }
  // only the losses the output can take (the server says which), "auto" first: the one training uses
  function fillLossChoices(select, choices) {
    const shown = ["auto", ...choices];
    if ([...select.options].map((o) => o.value).join() === shown.join()) return;
    select.innerHTML = shown.map((c) => `<option value="${c}">${c === "auto" ? "auto" : esc(lossWords(c))}</option>`).join("");
    select.value = shown.includes(state.loss) ? state.loss : "auto";
  }
  function numbersBody(check) {
    return { network: state.spec, weights: state.params.weights, biases: state.params.biases, inputs: state.inputs,
      targets: state.targets, loss: state.loss, check };
  }
  const numbersJob = latest(async () => {
    if (!state.params) return;
    try {
      const n = await api("/api/numbers", numbersBody(false));
      state.numbers = n;
      if ($("loss")) fillLossChoices($("loss"), n.loss_choices);
      renderNumbers(n);
      showError("numbers-error", null);
    } catch (error) { showError("numbers-error", error); }
  });
  function activationLine(j, i, layerName, z, a) {
    const lhs = sym("a", i, j);
    if (layerName === "softmax") {
      return `${lhs}<mo>=</mo><msup><mi>e</mi>${sym("z", i, j)}</msup><mo>/</mo><munderover><mo>∑</mo><mi>m</mi><mi></mi></munderover><msup><mi>e</mi>${sym("z", "m", j)}</msup><mo>=</mo>${num(a)}`;
    }
    if (layerName === "linear") return `${lhs}<mo>=</mo>${sym("z", i, j)}<mo>=</mo>${num(a)}`;
    const g = G_NAMES[layerName] || "g";
    return `${lhs}<mo>=</mo><mi>${g}</mi><mo>(</mo>${num(z)}<mo>)</mo><mo>=</mo>${num(a)}`;
  }
  function renderNumbers(n) {
    const sizes = state.panel.sizes, P = state.params;
    const acts = state.panel.layers.slice(1).map((l) => l.title.replace(/^layer \d+: /, ""));
    let html = "";
    for (let j = 1; j < sizes.length; j++) {
      html += `<h3>Layer ${j} (${esc(acts[j - 1])})</h3><table class="layer-numbers" data-layer="${j}"><tbody>`;
      for (let i = 1; i <= sizes[j]; i++) {
        let terms = "";
        for (let k = 1; k <= sizes[j - 1]; k++) {
          const w = P.weights[j - 1][k - 1][i - 1];
          const term = `${factor(w)}<mo>·</mo>${factor(n.a[j - 1][k - 1])}`;
          terms += (k > 1 ? "<mo>+</mo>" : "") + term;
        }
        if (P.biases) {
          const b = P.biases[j - 1][i - 1];
          terms += b < 0 ? `<mo>−</mo>${num(-b)}` : `<mo>+</mo>${num(b)}`;
        }
        const z = n.z[j - 1][i - 1], a = n.a[j][i - 1];
        html += `<tr><td class="math" data-unit="z${i}-${j}">${line(math(`${sym("z", i, j)}<mo>=</mo>${terms}<mo>=</mo>${num(z)}`))}</td>` +
          `<td class="value" data-z="${i}-${j}">${fmt(z)}</td></tr>` +
          `<tr><td class="math">${line(math(activationLine(j, i, acts[j - 1], z, a)))}</td><td class="value" data-a="${i}-${j}">${fmt(a)}</td></tr>`;
      }
      html += "</tbody></table>";
    }
    if (n.loss_value !== undefined) {
      const L = sizes.length - 1;
      html += `<h3>Loss and backpropagation</h3><p class="loss-line" id="loss-value">${esc(lossWords(n.loss))}: ` +
        `${math(`<mi>L</mi><mo>=</mo>${num(n.loss_value)}`, false)}</p><table class="deltas"><tbody>`;
      for (let j = L; j >= 1; j--) {
        html += `<tr><td class="math">${line(math(n.deltas[j - 1].map((d, i) => `${sym("δ", i + 1, j)}<mo>=</mo>${num(d)}`).join("<mo>,</mo><mspace width='1em'/>")))}</td></tr>`;
      }
      html += `</tbody></table><details class="gradients"${state.panel.parameters <= 40 ? " open" : ""}>` +
        "<summary>Every gradient ∂L/∂w and ∂L/∂b</summary>";
      for (let j = 1; j <= L; j++) {
        const items = [];
        for (let k = 1; k <= sizes[j - 1]; k++) for (let i = 1; i <= sizes[j]; i++) {
          items.push(`<mfrac><mrow><mo>∂</mo><mi>L</mi></mrow><mrow><mo>∂</mo>${sym("w", index(k, i), j)}</mrow></mfrac><mo>=</mo>${num(n.dW[j - 1][k - 1][i - 1])}`);
        }
        if (n.db) for (let i = 1; i <= sizes[j]; i++) {
          items.push(`<mfrac><mrow><mo>∂</mo><mi>L</mi></mrow><mrow><mo>∂</mo>${sym("b", i, j)}</mrow></mfrac><mo>=</mo>${num(n.db[j - 1][i - 1])}`);
        }
        html += `<div class="gradient-grid">${items.map((t) => `<span>${math(t, false)}</span>`).join("")}</div>`;
      }
      html += `<p class="note">δ<sup>[L]</sup> = ∂ℓ/∂z<sup>[L]</sup>; δ<sup>[j]</sup> = g′(z<sup>[j]</sup>) ⊙ W<sup>[j+1]</sup>δ<sup>[j+1]</sup>; ` +
        `∂L/∂w<sub>ki</sub><sup>[j]</sup> = a<sub>k</sub><sup>[j−1]</sup> δ<sub>i</sub><sup>[j]</sup> (the export writes every step out and checks it).</p></details>`;
    }
    $("numbers-out").innerHTML = html;
  }
  const lossWords = (loss) => ({ bce: "binary cross-entropy", squared_error: "squared error ½(a − y)²",
    cross_entropy: "cross-entropy −Σ y log a" }[loss] || loss);
  async function checkExact() {
    $("check-result").textContent = "checking…";
    try {
      const n = await api("/api/numbers", numbersBody(true));
      $("check-result").textContent = n.check.text;
      $("check-result").style.color = n.check.ok ? "var(--good)" : "var(--bad)";
    } catch (error) { $("check-result").textContent = ""; showError("numbers-error", error); }
  }

  // --- Let's test this -------------------------------------------------------------------------
  const plot = $("plot");
  let preview = null;  // the data set shown before training
  function playgroundProblem() {
    const sizes = state.panel ? state.panel.sizes : [];
    if (!state.panel) return "build a network first";
    const softmax = state.panel.softmax;
    if (sizes[0] !== 2 || sizes[sizes.length - 1] !== (softmax ? 2 : 1)) {
      return `The toy data have two inputs and two classes: the network needs 2 inputs and 1 output (or 2 softmax outputs); ` +
        `this one is ${sizes.join("-")}.`;
    }
    return "";
  }
  function stopTraining() {
    if (state.training && state.training.running) state.training.controller.abort();
  }
  async function playgroundNetworkChanged() {
    stopTraining();  // its lines would draw another network's boundary
    state.training = null;
    $("progress").value = 0;
    $("progress-text").textContent = "not trained yet";
    const problem = playgroundProblem();
    $("train").disabled = !!problem;
    const notice = $("playground-notice");
    notice.hidden = !problem;
    notice.innerHTML = problem ? `${esc(problem)} <button type="button" id="make-241">Use 2,4,1 with layer 1's activation</button>` : "";
    if (problem) {
      $("make-241").addEventListener("click", () => {
        const first = readActivations()[0] === "softmax" ? "tanh" : readActivations()[0];
        applySpec({ ...readSpec(), sizes: "2,4,1", activations: [first, "sigmoid"], input_names: "", unit_names: [] });
        loadNetwork();
      });
    }
    showError("playground-error", null);
    state.boundary = null;
    state.contour = [];
    await loadDataset();
    playgroundExplain();
  }
  function playgroundExplain() {
    const box = $("playground-explain");
    if (!state.panel || playgroundProblem()) { box.innerHTML = ""; return; }
    const hiddenAffine = state.panel.affine.slice(0, -1).every((x) => x);
    const trained = state.training && state.training.collapsed;
    if (hiddenAffine) {
      box.innerHTML = `<h3>Why the boundary stays straight</h3>` + (trained
        ? `<p>${esc(trained.sentence)}</p><p class="note">After training:</p>${line(trained.model)}` +
          (trained.boundary ? `<p class="note">The boundary is the line</p>${line(trained.boundary)}` : "")
        : `<p>Every hidden layer is affine, so the network collapses: z<sup>[L]</sup> = w′·x + b′ (see Collapse). ` +
          `However it trains, its boundary is a straight line. Train it and see the line and its numbers.</p>`);
    } else {
      const bent = state.panel.layers.slice(1, -1).filter((l, j) => !state.panel.affine[j])
        .map((l) => l.title.replace(/^layer (\d+): (.*)$/, "layer $1 ($2)"));
      const named = bent.length > 1 ? bent.slice(0, -1).join(", ") + " and " + bent[bent.length - 1] : bent[0];
      box.innerHTML = `<h3>Why the boundary can bend</h3><p>${esc(named[0].toUpperCase() + named.slice(1))} ` +
        `${bent.length > 1 ? "are" : "is"} not affine, so the network is ` +
        `not one linear model w′·x + b′, and nothing keeps its boundary straight. The exact counterexample ` +
        `(f(x + y) + f(0) ≠ f(x) + f(y) at two points) is under <a href="#collapse">Collapse</a>.</p>`;
    }
  }
  async function loadDataset() {
    const name = $("dataset").value;
    $("clear-points").hidden = name !== "drawn";
    $("draw-note").hidden = name !== "drawn";
    if (name === "drawn") {
      preview = { points: state.drawn.points, labels: state.drawn.labels, extent: 1.2 };
    } else {
      try { preview = await api("/api/dataset", { dataset: name }); } catch (error) { showError("playground-error", error); }
    }
    drawPlot();
  }
  const toPixel = (v, extent) => ((v + extent) / (2 * extent)) * plot.width;
  function drawPlot() {
    const ctx = plot.getContext("2d");
    const W = plot.width, H = plot.height;
    ctx.clearRect(0, 0, W, H);
    const extent = (state.boundary && state.boundary.extent) || (preview && preview.extent) || 1.2;
    if (state.boundary) {
      const n = state.boundary.size, grid = state.boundary.grid;
      const image = ctx.createImageData(n, n);
      for (let p = 0; p < n * n; p++) {
        const v = Math.max(0, Math.min(1, grid[p]));
        image.data[4 * p] = Math.round(200 + 53 * v - 30 * (1 - v));
        image.data[4 * p + 1] = Math.round(215 - 20 * v + 10 * (1 - v));
        image.data[4 * p + 2] = Math.round(245 - 120 * v);
        image.data[4 * p + 3] = 255;
      }
      const off = document.createElement("canvas");
      off.width = n; off.height = n;
      off.getContext("2d").putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(off, 0, 0, W, H);
      state.contour = contour(grid, n, extent);
      ctx.strokeStyle = "#222"; ctx.lineWidth = 2.5;
      ctx.beginPath();
      for (const [[x1, y1], [x2, y2]] of state.contour) {
        ctx.moveTo(toPixel(x1, extent), H - toPixel(y1, extent));
        ctx.lineTo(toPixel(x2, extent), H - toPixel(y2, extent));
      }
      ctx.stroke();
    }
    ctx.strokeStyle = "#bbb"; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(W / 2, 0); ctx.lineTo(W / 2, H); ctx.moveTo(0, H / 2); ctx.lineTo(W, H / 2); ctx.stroke();
    const data = preview || { points: [], labels: [] };
    data.points.forEach(([x, y], k) => {
      ctx.beginPath();
      ctx.arc(toPixel(x, extent), H - toPixel(y, extent), 5, 0, 2 * Math.PI);
      ctx.fillStyle = data.labels[k] ? "#e07b00" : "#2f6db3";
      ctx.fill(); ctx.strokeStyle = "#fff"; ctx.lineWidth = 1.5; ctx.stroke();
    });
  }
  // The level line value = 1/2 of the grid (row 0 at the top), as segments in data coordinates (marching squares).
  function contour(grid, n, extent) {
    const at = (r, c) => grid[r * n + c] - 0.5;
    const x = (c) => -extent + (2 * extent * c) / (n - 1), y = (r) => extent - (2 * extent * r) / (n - 1);
    const segments = [];
    for (let r = 0; r < n - 1; r++) for (let c = 0; c < n - 1; c++) {
      const corners = [[r, c], [r, c + 1], [r + 1, c + 1], [r + 1, c]];
      const crossings = [];
      for (let e = 0; e < 4; e++) {
        const [r1, c1] = corners[e], [r2, c2] = corners[(e + 1) % 4];
        const v1 = at(r1, c1), v2 = at(r2, c2);
        if ((v1 < 0) !== (v2 < 0)) {
          const t = v1 / (v1 - v2);
          crossings.push([x(c1 + t * (c2 - c1)), y(r1 + t * (r2 - r1))]);
        }
      }
      if (crossings.length === 2) segments.push(crossings);
      if (crossings.length === 4) { segments.push([crossings[0], crossings[1]]); segments.push([crossings[2], crossings[3]]); }
    }
    return segments;
  }
  plot.addEventListener("click", (e) => {
    if ($("dataset").value !== "drawn") return;
    const rect = plot.getBoundingClientRect();
    const extent = 1.2;
    const px = ((e.clientX - rect.left) / rect.width) * 2 * extent - extent;
    const py = extent - ((e.clientY - rect.top) / rect.height) * 2 * extent;
    if (state.drawn.points.length >= 400) { showError("playground-error", new Error("at most 400 points")); return; }
    state.drawn.points.push([Number(px.toFixed(3)), Number(py.toFixed(3))]);
    state.drawn.labels.push(e.shiftKey ? 0 : 1);
    loadDataset();
  });
  async function trainNetwork() {
    const controller = new AbortController();
    const name = $("dataset").value;
    const body = { network: state.spec, dataset: name, epochs: Number($("epochs").value), lr: Number($("lr").value),
      optimizer: $("optimizer").value, seed: Number($("seed").value) || 0, pace_ms: Number($("train").dataset.pace || 40) };
    if (name === "drawn") Object.assign(body, state.drawn);
    $("train").disabled = true; $("stop").disabled = false;
    showError("playground-error", null);
    const training = { running: true, controller };
    state.training = training;
    $("progress").value = 0; $("progress-text").textContent = "starting…";
    try {
      const response = await fetch("/api/train", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body), signal: controller.signal });
      if (!response.ok) {
        const data = await response.json().catch(() => ({}));
        throw new Error(data.error || `the server answered ${response.status}`);
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 1);
          if (line.trim() && state.training === training && !controller.signal.aborted) trainingLine(JSON.parse(line), training);
        }
      }
    } catch (error) {
      if (error.name !== "AbortError") {
        showError("playground-error", error);
        if (!training.epochs) $("progress-text").textContent = "not trained";
      } else if (state.training === training) $("progress-text").textContent += " (stopped)";
    } finally {
      training.running = false;
      $("train").disabled = !!playgroundProblem(); $("stop").disabled = true;
    }
  }
  function trainingLine(line, training) {
    if (line.error) {
      showError("playground-error", new Error(line.error));
      if (!training.epochs) $("progress-text").textContent = "not trained";
      return;
    }
    if (line.size) { training.size = line.size; training.extent = line.extent; }  // the first line says
    if (line.grid) {
      state.boundary = { grid: line.grid, size: training.size, extent: training.extent };
      if (line.points) preview = { points: line.points, labels: line.labels, extent: line.extent };
      drawPlot();
    }
    if (line.epochs) {
      training.epochs = line.epochs;
      $("progress").value = line.epoch / line.epochs;
      $("progress-text").textContent = `epoch ${line.epoch} of ${line.epochs}` +
        (line.loss !== null ? ` · loss ${fmt(line.loss)}` : "") +
        (line.accuracy !== null && line.accuracy !== undefined ? ` · ${Math.round(line.accuracy * 100)} % right` : "");
    }
    if (line.done) {
      state.trained = { weights: line.weights, biases: line.biases };
      training.collapsed = line.collapsed;
      training.done = true;
      $("trained-params").disabled = false;
      $("progress-text").textContent += " · done";
      playgroundExplain();
    }
  }

  // --- Digits ------------------------------------------------------------------------------------
  let painting = null;  // while the pointer is down on the grid: the value it paints
  function renderGrid() {
    const grid = $("grid");
    grid.innerHTML = "";
    state.pixels.forEach((v, p) => {
      const cell = document.createElement("div");
      cell.className = "pixel" + (v ? " on" : "");
      cell.dataset.pixel = p;
      cell.setAttribute("role", "gridcell");
      cell.textContent = p + 1;
      cell.title = `x${p + 1}`;
      cell.addEventListener("pointerdown", (e) => {
        e.preventDefault();
        if (cell.hasPointerCapture(e.pointerId)) cell.releasePointerCapture(e.pointerId);  // a finger paints on
        painting = state.pixels[p] ? 0 : 1;
        setPixel(p, painting);
      });
      cell.addEventListener("pointerenter", () => { if (painting !== null) setPixel(p, painting); });
      grid.appendChild(cell);
    });
  }
  function stopPainting() { if (painting !== null) { painting = null; predictJob(); } }
  function setPixel(p, value) {
    state.pixels[p] = value;
    $("grid").children[p].classList.toggle("on", !!value);
    save();
  }
  async function loadDigits() {
    state.classes = Number($("classes").value);
    try {
      const d = await api("/api/digits", { classes: state.classes });
      state.digits = d;
      $("digit-model").textContent = `${d.title.split("\n")[0]}, trained on ${d.train_size} noisy copies of the ` +
        `glyphs; ${Math.round(d.test_accuracy * 1000) / 10} % right on ${d.test_size} others.`;
      $("glyphs").innerHTML = "Load: " + Object.keys(d.glyphs).map((g) => `<button type="button" data-glyph="${g}">${g}</button>`).join("");
      $("glyphs").querySelectorAll("button").forEach((b) => b.addEventListener("click", () => {
        state.pixels = d.glyphs[b.dataset.glyph].slice(); renderGrid(); save(); predictJob();
      }));
      renderWeightPictures(d);
      showError("digits-error", null);
      predictJob();
    } catch (error) { showError("digits-error", error); }
  }
  function renderWeightPictures(d) {
    const largest = Math.max(...d.weights.flat().map(Math.abs)) || 1;
    $("weight-pictures").innerHTML = d.weights.map((w, unit) => `<div class="weight-picture"><figure><div class="cells">` +
      w.map((v, p) => {
        const t = Math.min(1, Math.abs(v) / largest);
        const color = v >= 0 ? `rgba(224,123,0,${t.toFixed(3)})` : `rgba(47,109,179,${t.toFixed(3)})`;
        return `<span style="background:${color}" title="w${index(p + 1, unit + 1)} = ${v}"></span>`;
      }).join("") + `</div><figcaption>${esc(d.unit_labels[unit])}</figcaption></figure></div>`).join("");
  }
  const predictJob = latest(async () => {
    if (!state.digits) return;
    try {
      const r = await api("/api/digits/predict", { classes: state.classes, pixels: state.pixels });
      state.prediction = r;
      $("prediction").textContent = r.lit ? String(r.prediction) : "–";
      const labels = state.classes === 2 ? ["σ(z): a 1?"] : r.a.map((_, d) => `digit ${d}`);
      const best = (k) => r.lit > 0 && (state.classes === 2 ? r.prediction === 1 : k === r.prediction);
      $("digit-outputs").innerHTML = r.a.map((a, k) => `<div class="bar${best(k) ? " best" : ""}">` +
        `<span>${labels[k]}</span><span><span class="fill" style="width:${(a * 100).toFixed(1)}%"></span></span><span class="value">${a.toFixed(3)}</span></div>`).join("");
      $("digit-formula").innerHTML = `<p class="note">${esc(r.formula_note)}</p>` + r.formula.map(line).join("");
      showError("digits-error", null);
    } catch (error) { showError("digits-error", error); }
  });

  // --- exports ----------------------------------------------------------------------------------
  function exportBody(panel) {
    if (panel === "network") {
      const s = state.selected && state.selected.layer > 0 ? state.selected : { layer: 1, unit: 1 };
      return { network: state.spec, layer: s.layer, unit: s.unit };
    }
    if (panel === "numbers") return numbersBody(false);
    if (panel === "digits") return { classes: state.classes, pixels: state.pixels };
    if (panel === "playground") return { network: state.spec, ...(state.trained || {}) };
    return { network: state.spec };
  }
  function setUpExports() {
    document.querySelectorAll(".exports").forEach((box) => {
      const panel = box.dataset.panel;
      box.innerHTML = `Export: <button type="button" data-format="tex">.tex</button><button type="button" data-format="pdf">.pdf</button>` +
        `<button type="button" data-format="html">.html</button><span class="note export-note"></span>`;
      box.querySelectorAll("button").forEach((b) => b.addEventListener("click", async () => {
        const note = box.querySelector(".export-note");
        note.textContent = "writing…";
        try {
          const response = await fetch("/api/export", { method: "POST", headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ ...exportBody(panel), panel, format: b.dataset.format }) });
          if (!response.ok) throw new Error((await response.json().catch(() => ({}))).error || `error ${response.status}`);
          const name = (response.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
          const url = URL.createObjectURL(await response.blob());
          const a = document.createElement("a");
          a.href = url; a.download = name ? name[1] : `symnn.${b.dataset.format}`;
          document.body.appendChild(a); a.click(); a.remove();
          setTimeout(() => URL.revokeObjectURL(url), 10000);
          note.textContent = `wrote ${a.download}`;
        } catch (error) { note.textContent = ""; showError(`${panel === "playground" ? "playground" : panel}-error`, error); }
      }));
    });
  }

  // --- this tab's memory --------------------------------------------------------------------------
  function save() {
    try {
      sessionStorage.setItem(STORE, JSON.stringify({ spec: state.spec, pixels: state.pixels, classes: state.classes }));
    } catch (e) { /* private mode: nothing kept */ }
  }
  function restore() {  // ?fresh in the address starts over (a lecture's first slide, the tests)
    if (new URLSearchParams(location.search).has("fresh")) return null;
    try { return JSON.parse(sessionStorage.getItem(STORE) || "null"); } catch (e) { return null; }
  }

  // --- start -------------------------------------------------------------------------------------
  function start() {
    const kept = restore();
    if (kept && kept.spec) applySpec(kept.spec); else applySpec(PRESETS.lecture);
    if (kept && kept.pixels && kept.pixels.length === 35) state.pixels = kept.pixels;
    if (kept && kept.classes) $("classes").value = String(kept.classes);
    $("sizes").addEventListener("input", () => { renderLayerControls(); networkChanged(); });
    $("bias").addEventListener("change", networkChanged);
    $("input-names").addEventListener("input", networkChanged);
    document.querySelectorAll("[data-preset]").forEach((b) => b.addEventListener("click", () => {
      applySpec(PRESETS[b.dataset.preset]); loadNetwork();
    }));
    $("random-params").addEventListener("click", randomParams);
    $("trained-params").addEventListener("click", () => { if (state.trained) setParams(state.trained); });
    $("check-exact").addEventListener("click", checkExact);
    $("dataset").addEventListener("change", () => { stopTraining(); state.boundary = null; state.contour = []; loadDataset(); });
    $("clear-points").addEventListener("click", () => { state.drawn = { points: [], labels: [] }; loadDataset(); });
    $("train").addEventListener("click", trainNetwork);
    $("stop").addEventListener("click", () => state.training && state.training.controller.abort());
    $("classes").addEventListener("change", () => { save(); loadDigits(); });
    $("clear-grid").addEventListener("click", () => { state.pixels = new Array(35).fill(0); renderGrid(); save(); predictJob(); });
    setUpExports();
    $("grid").addEventListener("pointerup", stopPainting);
    $("grid").addEventListener("pointerleave", stopPainting);
    renderGrid();
    loadNetwork();
    loadDigits();
  }
  start();
})();
