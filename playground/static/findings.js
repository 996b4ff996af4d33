// Why it fails, live: the library's `diagnose` findings as they come and go, each pointing at
// the layer or neuron it names on the network picture (hover one to light it up). The list
// scrolls by itself (style.css, main.js): the heading counts the findings, and a redraw keeps
// the learner's place in it. While the list is out of view (below the fold in a 1024 × 768
// window), a notice at the top of the output column counts them and brings them into view.

import { minusSigns, neuronName } from "./format.js";

/** Where a finding points, in the library's numbering (layers from 0, as its text says). */
function describe(finding, layers) {
  if (finding.layer === null || finding.layer === undefined) return "";
  const output = finding.layer === layers - 1;
  const layer = output ? `layer ${finding.layer} (output)` : `layer ${finding.layer}`;
  if (finding.neuron === null || finding.neuron === undefined) return layer;
  return `${neuronName(finding.layer, finding.neuron)}${output ? " (output)" : ""}`;
}

/** The list counts as out of view unless this much of it, in CSS pixels, shows above the
 *  window's bottom edge: a finding's first two lines. */
const SEEN_HEIGHT = 40;

/** "1 finding", "5 findings". */
function counted(n) {
  return n === 1 ? "1 finding" : `${n} findings`;
}

export class FindingsView {
  /** `list` the findings' list, `count` the span in its heading that counts them, `notice` the
   *  button that says there are findings out of view, `network` the picture they point at. */
  constructor(list, count, notice, network) {
    this.list = list;
    this.count = count;
    this.notice = notice;
    this.network = network;
    this.key = "";
    this.findings = 0;
    this.listInView = true;
    // The findings drawn, the place in them of the one under the pointer (-1: none), and where
    // the pointer rests over the list (null: elsewhere). The list listens for the pointer
    // itself, not each finding: a redraw replaces the findings under a pointer at rest, and
    // the one that lands under it must light up without the pointer moving (see `update`).
    this.shown = [];
    this.pointed = -1;
    this.pointer = null;
    list.addEventListener("mouseover", (event) => {
      this.pointer = [event.clientX, event.clientY];
      this.point(event.target.closest("li.finding"));
    });
    list.addEventListener("mousemove", (event) => {
      this.pointer = [event.clientX, event.clientY];
    });
    list.addEventListener("mouseleave", () => {
      this.pointer = null;
      this.point(null);
    });
    // The shadow along the list's bottom edge while words lie below it (style.css): more than
    // the last finding's bottom padding and margin, 12 px.
    const mark = () => list.classList.toggle("more", list.scrollHeight - list.scrollTop - list.clientHeight > 12);
    list.addEventListener("scroll", mark);
    new ResizeObserver(mark).observe(list);
    this.mark = mark;
    new IntersectionObserver(
      (entries) => {
        // Several crossings may be queued at once: the last is where the list is now.
        this.listInView = entries[entries.length - 1].isIntersecting;
        this.showNotice();
      },
      { rootMargin: `0px 0px -${SEEN_HEIGHT}px 0px` },
    ).observe(list);
    notice.addEventListener("click", () => {
      const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
      list.closest(".diagnosis").scrollIntoView({ block: "nearest", behavior: still ? "auto" : "smooth" });
      list.focus({ preventScroll: true });
    });
  }

  /** Lights up on the network what the finding `item` (null: none) names. */
  point(item) {
    const at = item ? Array.prototype.indexOf.call(this.list.children, item) : -1;
    if (at === this.pointed) return;
    this.pointed = at;
    this.network.setFlags(this.shown, this.shown[at] ?? null);
  }

  /** The notice shows while there are findings and their list is out of view. */
  showNotice() {
    this.notice.textContent = `${counted(this.findings)} ↓`;
    this.notice.hidden = this.findings === 0 || this.listInView;
  }

  /** Redraws the list only when the findings changed (frames repeat them). */
  update(findings, layers) {
    const list = Array.isArray(findings) ? findings : [];
    const key = JSON.stringify(list);
    if (key === this.key) return;
    this.key = key;
    this.shown = list;
    this.count.textContent = list.length === 0 ? "" : counted(list.length);
    this.findings = list.length;
    this.showNotice();
    const items = list.length === 0 ? [healthy()] : list.map((finding) => this.item(finding, layers));
    // The same findings with new numbers come every checkup while training: stay where the
    // learner scrolled to.
    const scrolled = this.list.scrollTop;
    this.list.replaceChildren(...items);
    this.list.scrollTop = scrolled;
    this.mark();
    // Under a pointer at rest lies a new finding now: the same one with new numbers, or the
    // one that took its place as others came or went. Light up what it names.
    const under = this.pointer ? document.elementFromPoint(...this.pointer)?.closest("li.finding") : null;
    this.pointed = under && under.parentElement === this.list ? items.indexOf(under) : -1;
    this.network.setFlags(list, list[this.pointed] ?? null);
  }

  item(finding, layers) {
    const item = document.createElement("li");
    item.className = "finding";
    item.dataset.kind = finding.kind ?? "";
    if (finding.layer !== null && finding.layer !== undefined) item.dataset.layer = finding.layer;
    if (finding.neuron !== null && finding.neuron !== undefined) item.dataset.neuron = finding.neuron;
    const where = describe(finding, layers);
    if (where) {
      const tag = document.createElement("span");
      tag.className = "where";
      tag.textContent = where;
      item.appendChild(tag);
    }
    item.appendChild(document.createTextNode(minusSigns(finding.text ?? finding.kind ?? "")));
    return item;
  }
}

/** The line a healthy run shows in place of findings. */
function healthy() {
  const item = document.createElement("li");
  item.className = "none";
  item.textContent = "Nothing to report: training looks healthy.";
  return item;
}
