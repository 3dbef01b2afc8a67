/*
 * Precision Hotspots: L.HexCells, a Leaflet layer of H3 hexagons drawn on the map's canvas.
 *
 * Made by ui/maps.py (class HexCells) from a payload of compact cell ids, values and classes
 * (ui.maps.hex_payload); served by Streamlit static serving at /app/static/hexcells/, after
 * Leaflet (static/leaflet) and h3-js (static/h3-js). Nothing is fetched from elsewhere.
 *
 * One layer holds every hexagon (there used to be one L.polygon per hexagon: 5,226 Leaflet
 * objects on the default county map). It is a path of the map's canvas renderer (folium's prefer_canvas), so Leaflet keeps doing what it
 * does for paths: zoom animation, redrawing after a move, the order of drawing against the
 * district outlines, the pointer's events. The layer:
 *
 * - computes each hexagon's outline once, with h3-js (h3.cellToBoundary), and projects it
 *   into typed arrays on each zoom (no Leaflet object per hexagon);
 * - draws each class in one batch: one path, one fill and one stroke per class;
 * - finds the hexagon under the pointer with h3-js (h3.latLngToCell of the pointer, looked up
 *   among the layer's cells), for its tooltip (value and class: tooltipText), the hover
 *   outline and clicks (Leaflet fires "click" on the layer with the pointer's latlng, which
 *   streamlit-folium reports as last_object_clicked).
 *
 * Hooks for tests and benchmarks: layer.size() (hexagons), layer.cells() (every hexagon: cell
 * id, value n, class k), layer.cellAt(latlng) (the cell drawn under a point, or null),
 * layer.outline(cell) (its outline as drawn on the canvas, in [lat, lng]),
 * layer.tooltipText(cell), and `layer instanceof L.HexCells`.
 */
(function (L, h3) {
  "use strict";

  L.HexCells = L.Path.extend({
    options: {
      fillOpacity: 0.75,
      weight: 0.3,
      outline: "#555555", // null: each hexagon's outline in its class colour
      highlight: "#000000", // the outline of the hexagon under the pointer
      highlightWeight: 2,
    },

    initialize: function (data, options) {
      L.setOptions(this, options);
      this._data = data;
      this._hovered = null;
      this._readCells(data);
      // own handlers first: the tooltip's text is set before Leaflet opens it
      this.on({mouseover: this._onPointer, mousemove: this._onPointer, mouseout: this._onLeave});
      this.bindTooltip("", {sticky: true});
    },

    // Every hexagon's cell id, value and class, from the payload; outlines from h3-js.
    _readCells: function (data) {
      var count = data.ids.length, lat = [], lng = [], resolutions = {};
      this._ids = new Array(count);
      this._index = new Map();
      this._start = new Int32Array(count + 1);
      this._byClass = data.colours.map(function () { return []; });
      for (var i = 0; i < count; i++) {
        var id = data.prefix + data.ids[i] + data.suffix;
        var boundary = h3.cellToBoundary(id);
        this._ids[i] = id;
        this._index.set(id, i);
        this._byClass[data.k[i]].push(i);
        for (var v = 0; v < boundary.length; v++) {
          lat.push(boundary[v][0]);
          lng.push(boundary[v][1]);
        }
        this._start[i + 1] = lat.length;
        // the resolution is the id's second hex digit: ask h3-js once per kind of id
        var kind = id.length + id.slice(0, 2);
        if (!(kind in resolutions)) resolutions[kind] = h3.getResolution(id);
      }
      this._lat = Float64Array.from(lat);
      this._lng = Float64Array.from(lng);
      this._resolutions = Object.keys(resolutions).map(function (kind) { return resolutions[kind]; })
        .filter(function (r, j, all) { return all.indexOf(r) === j; });
      var south = Infinity, west = Infinity, north = -Infinity, east = -Infinity;
      for (var w = 0; w < lat.length; w++) {
        south = Math.min(south, lat[w]);
        north = Math.max(north, lat[w]);
        west = Math.min(west, lng[w]);
        east = Math.max(east, lng[w]);
      }
      this._latLngBounds = lat.length ? L.latLngBounds([south, west], [north, east]) : L.latLngBounds([]);
    },

    // ---- hooks -------------------------------------------------------------------------

    size: function () { return this._ids.length; },

    cells: function () {
      var data = this._data;
      return this._ids.map(function (id, i) { return {cell: id, n: data.n[i], k: data.k[i]}; });
    },

    cellAt: function (latlng) {
      // a point of a map not yet sized (while Streamlit redraws the page) has no position:
      // L.latLng would throw "Invalid LatLng object: (NaN, NaN)"; nothing is under it
      var lat = Array.isArray(latlng) ? latlng[0] : latlng && latlng.lat;
      var lng = Array.isArray(latlng) ? latlng[1] : latlng && latlng.lng;
      if (!isFinite(lat) || !isFinite(lng)) return null;
      latlng = L.latLng(lat, lng);
      for (var r = 0; r < this._resolutions.length; r++) {
        var cell = h3.latLngToCell(latlng.lat, latlng.lng, this._resolutions[r]);
        if (this._index.has(cell)) return cell;
      }
      return null;
    },

    outline: function (cell) {
      var i = this._index.get(cell), out = [];
      for (var v = this._start[i]; v < this._start[i + 1]; v++) {
        var ll = this._map.layerPointToLatLng([this._x[v], this._y[v]]);
        out.push([ll.lat, ll.lng]);
      }
      return out;
    },

    tooltipText: function (cell) {
      var data = this._data, i = this._index.get(cell), k = data.k[i], n = data.n[i];
      var value = data.integer ? n.toLocaleString("en-GB") : n.toFixed(2);
      return data.valueLabel + ": <b>" + value + "</b><br>Class " + (k + 1) + " of "
        + data.colours.length + ": " + data.labels[k];
    },

    getBounds: function () { return this._latLngBounds; },

    // ---- the pointer -------------------------------------------------------------------

    _onPointer: function (e) {
      var cell = this.cellAt(e.latlng);
      if (cell === this._hovered) return;
      this._redrawCell(this._hovered);
      this._hovered = cell;
      this._redrawCell(cell);
      this.setTooltipContent(cell === null ? "" : this.tooltipText(cell));
    },

    _onLeave: function () {
      this._redrawCell(this._hovered);
      this._hovered = null;
    },

    // Ask the renderer to redraw the box around one hexagon (a hover change), not the map.
    _redrawCell: function (cell) {
      var renderer = this._renderer, i = this._index.get(cell);
      if (cell === null || i === undefined || !this._map || !this._x) return;
      var box = new L.Bounds();
      for (var v = this._start[i]; v < this._start[i + 1]; v++) box.extend([this._x[v], this._y[v]]);
      // what the renderer's _requestRedraw does, with this box instead of the layer's
      renderer._extendRedrawBounds({_pxBounds: box, options: {weight: this.options.highlightWeight}});
      renderer._redrawRequest = renderer._redrawRequest || L.Util.requestAnimFrame(renderer._redraw, renderer);
    },

    // ---- what the canvas renderer calls (L.Path's contract) ------------------------------

    _project: function () {
      var map = this._map, crs = map.options.crs, origin = map.getPixelOrigin();
      var scale = crs.scale(map.getZoom()), count = this._lat.length;
      if (this._crs !== crs) this._toUnit(crs);
      this._x = this._x || new Float64Array(count);
      this._y = this._y || new Float64Array(count);
      var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      for (var v = 0; v < count; v++) {
        var x = this._ux[v] * scale - origin.x, y = this._uy[v] * scale - origin.y;
        this._x[v] = x;
        this._y[v] = y;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
      this._pxBounds = count ? new L.Bounds([minX, minY], [maxX, maxY]) : undefined;
      // half the widest hexagon plus its outline, pixels: how far a hexagon reaches from its
      // first vertex
      this._reach = this._unitSize * scale + Math.max(this.options.weight, this.options.highlightWeight);
    },

    // Each vertex in the CRS's pixel space at scale 1 (pixels at a zoom are these times the
    // CRS's scale; true of Leaflet's CRSs, whose transformation is linear in the scale).
    _toUnit: function (crs) {
      var count = this._lat.length, unit = crs.scale(0);
      this._ux = new Float64Array(count);
      this._uy = new Float64Array(count);
      for (var v = 0; v < count; v++) {
        var p = crs.latLngToPoint(L.latLng(this._lat[v], this._lng[v]), 0);
        this._ux[v] = p.x / unit;
        this._uy[v] = p.y / unit;
      }
      var size = 0;
      for (var i = 0; i + 1 < this._start.length; i++) {
        for (var w = this._start[i] + 1; w < this._start[i + 1]; w++) {
          size = Math.max(size, Math.abs(this._ux[w] - this._ux[this._start[i]]),
            Math.abs(this._uy[w] - this._uy[this._start[i]]));
        }
      }
      this._unitSize = size;
      this._crs = crs;
    },

    _update: function () {
      if (this._map) this._updatePath();
    },

    _updatePath: function () {
      var renderer = this._renderer;
      if (renderer._drawing) this._draw(renderer._ctx, renderer._redrawBounds || renderer._bounds);
    },

    _containsPoint: function (p) {
      return this.cellAt(this._map.layerPointToLatLng(p)) !== null;
    },

    _empty: function () {
      return this._lat.length === 0;
    },

    // ---- drawing -----------------------------------------------------------------------

    // One path per class, then its fill and outline; then the outline of the hexagon under
    // the pointer. Hexagons wholly outside ``box`` (the part of the canvas being redrawn)
    // are skipped.
    _draw: function (ctx, box) {
      var options = this.options, colours = this._data.colours;
      for (var k = 0; k < this._byClass.length; k++) {
        var members = this._byClass[k];
        ctx.beginPath();
        for (var m = 0; m < members.length; m++) this._trace(ctx, members[m], box);
        ctx.globalAlpha = options.fillOpacity;
        ctx.fillStyle = colours[k];
        ctx.fill();
        if (options.weight > 0) this._stroke(ctx, options.outline || colours[k], options.weight);
      }
      if (this._hovered !== null) {
        ctx.beginPath();
        this._trace(ctx, this._index.get(this._hovered), null);
        this._stroke(ctx, options.highlight, options.highlightWeight);
      }
    },

    _trace: function (ctx, i, box) {
      var first = this._start[i], last = this._start[i + 1], x = this._x, y = this._y;
      if (box) {
        var reach = this._reach;
        if (x[first] + reach < box.min.x || x[first] - reach > box.max.x
          || y[first] + reach < box.min.y || y[first] - reach > box.max.y) return;
      }
      // back to the first vertex with lineTo, not closePath: in Chromium, closePath in a path
      // of many hexagons costs time growing with the path (30 ms of the 40 ms a county map
      // took to draw); with round caps the outline looks the same
      ctx.moveTo(x[first], y[first]);
      for (var v = first + 1; v < last; v++) ctx.lineTo(x[v], y[v]);
      ctx.lineTo(x[first], y[first]);
    },

    _stroke: function (ctx, colour, weight) {
      ctx.globalAlpha = this.options.opacity;
      ctx.lineWidth = weight;
      ctx.strokeStyle = colour;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.stroke();
    },
  });

  L.hexCells = function (data, options) {
    return new L.HexCells(data, options);
  };
})(window.L, window.h3);
