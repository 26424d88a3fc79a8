// The map drawing: Natural Earth country borders (world-atlas, shipped with the package), places
// with a circle of their precision, and the actors at each place as military symbols, spread
// around the place so that each can be clicked. One canvas, an equirectangular projection scaled
// for the region's latitude: no tiles, nothing fetched but the package's own files.
"use strict";

import {symbolCanvas} from "./symbols.js";

let world = null;
/** Country outlines as rings of [lon, lat] with their bounding boxes, read once. */
export function countries() {
  if (!world) {
    world = fetch("/static/vendor/world-atlas/countries-50m.json")
      .then((response) => { if (!response.ok) throw new Error("map borders missing: " + response.status); return response.json(); })
      .then((topology) => {
        const features = window.topojson.feature(topology, topology.objects.countries).features;
        return features.map((feature) => {
          const geometry = feature.geometry || {coordinates: []};
          const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
          const rings = polygons.flat();
          let box = [180, 90, -180, -90];
          for (const ring of rings) for (const [x, y] of ring) box = [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)];
          return {name: (feature.properties || {}).name || "", rings, box};
        });
      });
  }
  return world;
}

const KM_PER_DEGREE = 111.2;

export function distanceKm(lat1, lon1, lat2, lon2) {
  const rad = Math.PI / 180;
  const a = Math.sin((lat2 - lat1) * rad / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin((lon2 - lon1) * rad / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * A map on a canvas. ``places``: [{id, label, lat, lon, precision_km, markers: [{key, sidc,
 * rating, look, label}]}]. Emits ``onmarker(marker, place)``, ``onplace(place)`` and
 * ``onpoint(lat, lon)`` for clicks.
 */
export class MapCanvas {
  constructor(canvas, options) {
    this.canvas = canvas;
    this.options = Object.assign({symbolSize: 24, interactive: true}, options || {});
    this.places = [];
    this.view = {lon: 38.5, lat: 34.5, scale: 80};  // pixels per degree of latitude
    this.cosLat = Math.cos(34.5 * Math.PI / 180);
    this.hits = [];  // what was drawn where, for clicks (and for tests: window.orbatMap.hits)
    this.selected = null;
    this.borders = [];
    this.frame = null;
    countries().then((found) => { this.borders = found; this.redraw(); }).catch((error) => console.warn(error.message));
    new ResizeObserver(() => this.redraw()).observe(canvas);
    if (this.options.interactive) this.listen();
  }

  setPlaces(places) {
    this.places = places;
    this.redraw();
  }

  /** Fit the view to the places (or keep it when there are none). */
  fit(padding = 0.6) {
    const points = this.places.filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon));
    if (!points.length) return;
    // the bulk of the places: a country far away (a contingent's home) does not zoom the map out
    const lats = points.map((p) => p.lat).sort((a, b) => a - b), lons = points.map((p) => p.lon).sort((a, b) => a - b);
    const cut = points.length >= 10 ? Math.floor(points.length * 0.1) : 0;
    const south = lats[cut] - padding, north = lats[lats.length - 1 - cut] + padding;
    const west = lons[cut] - padding, east = lons[lons.length - 1 - cut] + padding;
    this.view.lat = (south + north) / 2;
    this.view.lon = (west + east) / 2;
    this.cosLat = Math.cos(this.view.lat * Math.PI / 180);
    const {width, height} = this.size();
    this.view.scale = Math.min(width / ((east - west) * this.cosLat), height / (north - south), 4000);
    this.redraw();
  }

  size() {
    return {width: this.canvas.clientWidth || 600, height: this.canvas.clientHeight || 400};
  }

  project(lat, lon) {
    const {width, height} = this.size();
    return [(lon - this.view.lon) * this.view.scale * this.cosLat + width / 2, (this.view.lat - lat) * this.view.scale + height / 2];
  }

  unproject(x, y) {
    const {width, height} = this.size();
    return [this.view.lat - (y - height / 2) / this.view.scale, this.view.lon + (x - width / 2) / (this.view.scale * this.cosLat)];
  }

  /** A drag moves the frame drawn when it started (a full draw costs 0.5 s with 5,000 symbols, a
   * shifted copy about a millisecond); the map is drawn again where the drag ends. */
  dragStart() {
    const copy = document.createElement("canvas");
    copy.width = this.canvas.width;
    copy.height = this.canvas.height;
    copy.getContext("2d").drawImage(this.canvas, 0, 0);
    this.dragged = {copy, dx: 0, dy: 0};
  }

  /** One drag frame; returns the milliseconds it took (the bench reads it). */
  dragBy(dx, dy) {
    const started = performance.now();
    if (!this.dragged) this.dragStart();
    this.view.lon -= dx / (this.view.scale * this.cosLat);
    this.view.lat += dy / this.view.scale;
    const moved = this.dragged;
    moved.dx += dx;
    moved.dy += dy;
    const ratio = window.devicePixelRatio || 1;
    const g = this.canvas.getContext("2d");
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.fillStyle = "#dfe9f2";
    g.fillRect(0, 0, this.canvas.width, this.canvas.height);
    g.drawImage(moved.copy, Math.round(moved.dx * ratio), Math.round(moved.dy * ratio));
    return performance.now() - started;
  }

  dragEnd() {
    if (!this.dragged) return;
    this.dragged = null;
    this.redraw();
  }

  zoomBy(factor, x, y) {
    const {width, height} = this.size();
    x = x ?? width / 2; y = y ?? height / 2;
    const [lat, lon] = this.unproject(x, y);
    this.view.scale = Math.max(2, Math.min(20000, this.view.scale * factor));
    const [lat2, lon2] = this.unproject(x, y);
    this.view.lat += lat - lat2;
    this.view.lon += lon - lon2;
    this.redraw();
  }

  redraw() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = null; this.draw(); });
  }

  /** Draw now; returns the milliseconds it took (the bench reads it). */
  draw() {
    const started = performance.now();
    const {width, height} = this.size();
    const ratio = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(width * ratio) || this.canvas.height !== Math.round(height * ratio)) {
      this.canvas.width = Math.round(width * ratio);
      this.canvas.height = Math.round(height * ratio);
    }
    const g = this.canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.fillStyle = "#dfe9f2";
    g.fillRect(0, 0, width, height);
    this.drawBorders(g, width, height);
    this.hits = [];
    const labels = [];
    // one path each for circles, leader lines and dots (a stroke per shape costs thousands of calls)
    this.paths = {circles: new Path2D(), leaders: new Path2D(), dots: new Path2D(), symbols: []};
    for (const cluster of this.clusters(width, height)) this.drawCluster(g, cluster, width, height, labels);
    const paths = this.paths;
    g.fillStyle = "rgba(36,48,60,.06)"; g.fill(paths.circles);
    g.strokeStyle = "rgba(36,48,60,.35)"; g.setLineDash([4, 3]); g.lineWidth = 1; g.stroke(paths.circles); g.setLineDash([]);
    g.strokeStyle = "rgba(36,48,60,.45)"; g.stroke(paths.leaders);
    g.fillStyle = "#24303c"; g.fill(paths.dots);
    for (const [symbol, left, top, alpha, selected] of paths.symbols) {
      g.globalAlpha = alpha;
      g.drawImage(symbol.canvas, left, top, symbol.width, symbol.height);
      if (selected) { g.globalAlpha = 1; g.strokeStyle = "#1559b0"; g.lineWidth = 2; g.strokeRect(left - 2, top - 2, symbol.width + 4, symbol.height + 4); }
    }
    g.globalAlpha = 1;
    g.font = "12px system-ui, sans-serif";
    g.textAlign = "center";
    const taken = new Set();  // cells of 16 x 16 px holding a label: no label over a label
    for (const [text, x, y] of labels) {
      if (x < -100 || x > width + 100 || y < 0 || y > height + 20) continue;
      const w = text.length * 6.5, cells = [];
      for (let cx = Math.floor((x - w / 2) / 16); cx <= Math.floor((x + w / 2) / 16); cx++) {
        for (let cy = Math.floor((y - 11) / 16); cy <= Math.floor((y + 3) / 16); cy++) cells.push(cx + ":" + cy);
      }
      if (cells.some((c) => taken.has(c))) continue;
      for (const c of cells) taken.add(c);
      g.lineWidth = 3; g.strokeStyle = "rgba(255,255,255,.85)"; g.strokeText(text, x, y);
      g.fillStyle = "#1d2329"; g.fillText(text, x, y);
    }
    this.lastDrawMs = performance.now() - started;
    return this.lastDrawMs;
  }

  drawBorders(g, width, height) {
    const [north, west] = this.unproject(0, 0);
    const [south, east] = this.unproject(width, height);
    g.fillStyle = "#f7f4ec";
    g.strokeStyle = "#9a9384";
    g.lineWidth = 1;
    for (const country of this.borders) {
      const [x0, y0, x1, y1] = country.box;
      if (x1 < west || x0 > east || y1 < south || y0 > north) continue;
      g.beginPath();
      for (const ring of country.rings) {
        ring.forEach(([lon, lat], i) => {
          const [x, y] = this.project(lat, lon);
          if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
        });
        g.closePath();
      }
      g.fill("evenodd");
      g.stroke();
    }
    g.fillStyle = "#8a8475";
    g.font = "italic 13px system-ui, sans-serif";
    g.textAlign = "center";
    for (const country of this.borders) {
      const [x0, y0, x1, y1] = country.box;
      const lon = (x0 + x1) / 2, lat = (y0 + y1) / 2;
      if (lon < west || lon > east || lat < south || lat > north || (x1 - x0) > 60) continue;
      const [x, y] = this.project(lat, lon);
      g.fillText(country.name, x, y);
    }
  }

  /**
   * Places that fall on (nearly) the same pixels at this zoom are one cluster: their markers share
   * one ring around the cluster's centre, so each symbol can be clicked.
   */
  clusters(width, height) {
    const size = this.options.symbolSize;
    const cells = new Map(), found = [];
    for (const place of this.places) {
      const [x, y] = this.project(place.lat, place.lon);
      if (x < -width || x > 2 * width || y < -height || y > 2 * height) continue;
      const cx = Math.floor(x / size), cy = Math.floor(y / size);
      let cluster = null;
      for (let dx = -1; dx <= 1 && !cluster; dx++) {
        for (let dy = -1; dy <= 1 && !cluster; dy++) {
          cluster = (cells.get(cx + dx + ":" + (cy + dy)) || []).find((c) => Math.hypot(c.x - x, c.y - y) < size * 0.6) || null;
        }
      }
      if (!cluster) {
        cluster = {x, y, places: []};
        found.push(cluster);
        const key = cx + ":" + cy;
        if (!cells.has(key)) cells.set(key, []);
        cells.get(key).push(cluster);
      }
      cluster.places.push({place, x, y});
    }
    return found;
  }

  drawCluster(g, cluster, width, height, labels) {
    const size = this.options.symbolSize;
    const markers = cluster.places.flatMap(({place}) => (place.markers || []).map((marker) => ({marker, place})));
    const spread = markers.length > 1 ? Math.max(size * 1.1, (markers.length * size * 1.15) / (2 * Math.PI)) : 0;
    const margin = spread + size * 2;
    const {x, y} = cluster;
    if (x < -margin || x > width + margin || y < -margin || y > height + margin) return;
    for (const {place, x: px, y: py} of cluster.places) {
      const radius = (place.precision_km || 0) / KM_PER_DEGREE * this.view.scale;
      if (radius > 2 && radius < Math.min(width, height) / 3) {  // a country's circle would hide the map
        this.paths.circles.moveTo(px + radius, py); this.paths.circles.arc(px, py, radius, 0, 2 * Math.PI);
      }
      this.paths.dots.moveTo(px + 3.5, py); this.paths.dots.arc(px, py, 3.5, 0, 2 * Math.PI);
      this.hits.push({type: "place", place: place.id, x: px - 6, y: py - 6, w: 12, h: 12});
    }
    const named = cluster.places.filter(({place}) => (place.markers || []).length || this.view.scale > 150).map(({place}) => place.label);
    if (named.length) labels.push([named.join(" / "), x, y + (markers.length > 1 ? spread + size : 0) + 16]);
    markers.forEach(({marker, place}, i) => {
      let mx = x, my = y - size * 0.9;
      if (markers.length > 1) {
        const angle = -Math.PI / 2 + (2 * Math.PI * i) / markers.length;
        mx = x + Math.cos(angle) * spread;
        my = y + Math.sin(angle) * spread;
        this.paths.leaders.moveTo(x, y); this.paths.leaders.lineTo(mx, my);
      }
      const symbol = symbolCanvas(marker.sidc, {rating: marker.rating, look: marker.look, size: size});
      const left = mx - symbol.anchor.x, top = my - symbol.anchor.y;
      const selected = Boolean(this.selected && this.selected.key === marker.key);
      this.paths.symbols.push([symbol, left, top, marker.look === "single" ? 0.55 : 1, selected]);
      this.hits.push({type: "marker", key: marker.key, place: place.id, actor: marker.actor, x: left, y: top, w: symbol.width, h: symbol.height});
    });
  }

  hitAt(x, y) {
    for (let i = this.hits.length - 1; i >= 0; i--) {
      const hit = this.hits[i];
      if (x >= hit.x && x <= hit.x + hit.w && y >= hit.y && y <= hit.y + hit.h) return hit;
    }
    return null;
  }

  listen() {
    const canvas = this.canvas;
    let drag = null;
    canvas.addEventListener("pointerdown", (event) => {
      drag = {x: event.clientX, y: event.clientY, moved: false};
      canvas.setPointerCapture(event.pointerId);
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!drag) return;
      const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
      if (drag.moved || Math.abs(dx) + Math.abs(dy) > 4) {
        drag.moved = true;
        drag.x = event.clientX; drag.y = event.clientY;
        this.dragBy(dx, dy);
      }
    });
    canvas.addEventListener("pointercancel", () => { drag = null; this.dragEnd(); });
    canvas.addEventListener("pointerup", (event) => {
      const wasDrag = drag && drag.moved;
      drag = null;
      if (wasDrag) { this.dragEnd(); return; }
      const box = canvas.getBoundingClientRect();
      const x = event.clientX - box.left, y = event.clientY - box.top;
      const hit = this.hitAt(x, y);
      if (hit && hit.type === "marker") this.options.onmarker && this.options.onmarker(hit.key);
      else if (hit && hit.type === "place") this.options.onplace && this.options.onplace(hit.place);
      else if (this.options.onpoint) this.options.onpoint(...this.unproject(x, y));
    });
    canvas.addEventListener("wheel", (event) => {
      event.preventDefault();
      const box = canvas.getBoundingClientRect();
      this.zoomBy(event.deltaY < 0 ? 1.25 : 0.8, event.clientX - box.left, event.clientY - box.top);
    }, {passive: false});
    canvas.addEventListener("keydown", (event) => {
      const step = 60;
      const moves = {ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step]};
      if (moves[event.key]) {  // as a drag: the frame moves at once, the map is drawn when the keys rest
        this.dragBy(...moves[event.key]);
        clearTimeout(this.keysResting);
        this.keysResting = setTimeout(() => this.dragEnd(), 200);
        event.preventDefault();
      }
      else if (event.key === "+" || event.key === "=") { this.zoomBy(1.4); event.preventDefault(); }
      else if (event.key === "-") { this.zoomBy(1 / 1.4); event.preventDefault(); }
    });
  }
}
