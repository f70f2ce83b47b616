#!/usr/bin/env node
"use strict";
var __getOwnPropNames = Object.getOwnPropertyNames;
var __commonJS = (cb, mod) => function __require() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};

// node_modules/prom-client/lib/util.js
var require_util = __commonJS({
  "node_modules/prom-client/lib/util.js"(exports2) {
    "use strict";
    exports2.getValueAsString = function getValueString(value) {
      if (Number.isNaN(value)) {
        return "Nan";
      } else if (!Number.isFinite(value)) {
        if (value < 0) {
          return "-Inf";
        } else {
          return "+Inf";
        }
      } else {
        return `${value}`;
      }
    };
    exports2.removeLabels = function removeLabels(hashMap, labels, sortedLabelNames) {
      const hash = hashObject(labels, sortedLabelNames);
      delete hashMap[hash];
    };
    exports2.setValue = function setValue(hashMap, value, labels) {
      const hash = hashObject(labels);
      hashMap[hash] = {
        value: typeof value === "number" ? value : 0,
        labels: labels || {}
      };
      return hashMap;
    };
    exports2.setValueDelta = function setValueDelta(hashMap, deltaValue, labels, hash = "") {
      const value = typeof deltaValue === "number" ? deltaValue : 0;
      if (hashMap[hash]) {
        hashMap[hash].value += value;
      } else {
        hashMap[hash] = { value, labels };
      }
      return hashMap;
    };
    exports2.getLabels = function(labelNames, args) {
      if (typeof args[0] === "object") {
        return args[0];
      }
      if (labelNames.length !== args.length) {
        throw new Error(
          `Invalid number of arguments (${args.length}): "${args.join(
            ", "
          )}" for label names (${labelNames.length}): "${labelNames.join(", ")}".`
        );
      }
      const acc = {};
      for (let i = 0; i < labelNames.length; i++) {
        acc[labelNames[i]] = args[i];
      }
      return acc;
    };
    function fastHashObject(keys, labels) {
      if (keys.length === 0) {
        return "";
      }
      let hash = "";
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        const value = labels[key];
        if (value === void 0) continue;
        hash += `${key}:${value},`;
      }
      return hash;
    }
    function hashObject(labels, labelNames) {
      if (labelNames) {
        return fastHashObject(labelNames, labels);
      }
      const keys = Object.keys(labels);
      if (keys.length > 1) {
        keys.sort();
      }
      return fastHashObject(keys, labels);
    }
    exports2.hashObject = hashObject;
    exports2.isObject = function isObject(obj) {
      return obj !== null && typeof obj === "object";
    };
    exports2.nowTimestamp = function nowTimestamp() {
      return Date.now() / 1e3;
    };
    var Grouper = class extends Map {
      /**
       * Adds the `value` to the `key`'s array of values.
       * @param {*} key Key to set.
       * @param {*} value Value to add to `key`'s array.
       * @returns {undefined} undefined.
       */
      add(key, value) {
        if (this.has(key)) {
          this.get(key).push(value);
        } else {
          this.set(key, [value]);
        }
      }
    };
    exports2.Grouper = Grouper;
  }
});

// node_modules/prom-client/lib/registry.js
var require_registry = __commonJS({
  "node_modules/prom-client/lib/registry.js"(exports2, module2) {
    "use strict";
    var { getValueAsString } = require_util();
    var Registry = class _Registry {
      static get PROMETHEUS_CONTENT_TYPE() {
        return "text/plain; version=0.0.4; charset=utf-8";
      }
      static get OPENMETRICS_CONTENT_TYPE() {
        return "application/openmetrics-text; version=1.0.0; charset=utf-8";
      }
      constructor(regContentType = _Registry.PROMETHEUS_CONTENT_TYPE) {
        this._metrics = {};
        this._collectors = [];
        this._defaultLabels = {};
        if (regContentType !== _Registry.PROMETHEUS_CONTENT_TYPE && regContentType !== _Registry.OPENMETRICS_CONTENT_TYPE) {
          throw new TypeError(`Content type ${regContentType} is unsupported`);
        }
        this._contentType = regContentType;
      }
      getMetricsAsArray() {
        return Object.values(this._metrics);
      }
      async getMetricsAsString(metrics) {
        const metric = typeof metrics.getForPromString === "function" ? await metrics.getForPromString() : await metrics.get();
        const name = escapeString(metric.name);
        const help = `# HELP ${name} ${escapeString(metric.help)}`;
        const type = `# TYPE ${name} ${metric.type}`;
        const values = [help, type];
        const defaultLabels = Object.keys(this._defaultLabels).length > 0 ? this._defaultLabels : null;
        const isOpenMetrics = this.contentType === _Registry.OPENMETRICS_CONTENT_TYPE;
        for (const val of metric.values || []) {
          let { metricName = name, labels = {} } = val;
          const { sharedLabels = {} } = val;
          if (isOpenMetrics && metric.type === "counter") {
            metricName = `${metricName}_total`;
          }
          if (defaultLabels) {
            labels = { ...labels, ...defaultLabels, ...labels };
          }
          const formattedLabels = formatLabels(labels, sharedLabels);
          const flattenedShared = flattenSharedLabels(sharedLabels);
          const labelParts = [...formattedLabels, flattenedShared].filter(Boolean);
          const labelsString = labelParts.length ? `{${labelParts.join(",")}}` : "";
          let fullMetricLine = `${metricName}${labelsString} ${getValueAsString(
            val.value
          )}`;
          const { exemplar } = val;
          if (exemplar && isOpenMetrics) {
            const formattedExemplars = formatLabels(exemplar.labelSet);
            fullMetricLine += ` # {${formattedExemplars.join(
              ","
            )}} ${getValueAsString(exemplar.value)} ${exemplar.timestamp}`;
          }
          values.push(fullMetricLine);
        }
        return values.join("\n");
      }
      async metrics() {
        const isOpenMetrics = this.contentType === _Registry.OPENMETRICS_CONTENT_TYPE;
        const promises = this.getMetricsAsArray().map((metric) => {
          if (isOpenMetrics && metric.type === "counter") {
            metric.name = standardizeCounterName(metric.name);
          }
          return this.getMetricsAsString(metric);
        });
        const resolves = await Promise.all(promises);
        return isOpenMetrics ? `${resolves.join("\n")}
# EOF
` : `${resolves.join("\n\n")}
`;
      }
      registerMetric(metric) {
        if (this._metrics[metric.name] && this._metrics[metric.name] !== metric) {
          throw new Error(
            `A metric with the name ${metric.name} has already been registered.`
          );
        }
        this._metrics[metric.name] = metric;
      }
      clear() {
        this._metrics = {};
        this._defaultLabels = {};
      }
      async getMetricsAsJSON() {
        const metrics = [];
        const defaultLabelNames = Object.keys(this._defaultLabels);
        const promises = [];
        for (const metric of this.getMetricsAsArray()) {
          promises.push(metric.get());
        }
        const resolves = await Promise.all(promises);
        for (const item of resolves) {
          if (item.values && defaultLabelNames.length > 0) {
            for (const val of item.values) {
              val.labels = Object.assign({}, val.labels);
              for (const labelName of defaultLabelNames) {
                val.labels[labelName] = val.labels[labelName] || this._defaultLabels[labelName];
              }
            }
          }
          metrics.push(item);
        }
        return metrics;
      }
      removeSingleMetric(name) {
        delete this._metrics[name];
      }
      getSingleMetricAsString(name) {
        return this.getMetricsAsString(this._metrics[name]);
      }
      getSingleMetric(name) {
        return this._metrics[name];
      }
      setDefaultLabels(labels) {
        this._defaultLabels = labels;
      }
      resetMetrics() {
        for (const metric in this._metrics) {
          this._metrics[metric].reset();
        }
      }
      get contentType() {
        return this._contentType;
      }
      setContentType(metricsContentType) {
        if (metricsContentType === _Registry.OPENMETRICS_CONTENT_TYPE || metricsContentType === _Registry.PROMETHEUS_CONTENT_TYPE) {
          this._contentType = metricsContentType;
        } else {
          throw new Error(`Content type ${metricsContentType} is unsupported`);
        }
      }
      static merge(registers) {
        const regType = registers[0].contentType;
        for (const reg of registers) {
          if (reg.contentType !== regType) {
            throw new Error(
              "Registers can only be merged if they have the same content type"
            );
          }
        }
        const mergedRegistry = new _Registry(regType);
        const metricsToMerge = registers.reduce(
          (acc, reg) => acc.concat(reg.getMetricsAsArray()),
          []
        );
        metricsToMerge.forEach(mergedRegistry.registerMetric, mergedRegistry);
        return mergedRegistry;
      }
    };
    function formatLabels(labels, exclude) {
      const { hasOwnProperty } = Object.prototype;
      const formatted = [];
      for (const [name, value] of Object.entries(labels)) {
        if (!exclude || !hasOwnProperty.call(exclude, name)) {
          formatted.push(`${name}="${escapeLabelValue(value)}"`);
        }
      }
      return formatted;
    }
    var sharedLabelCache = /* @__PURE__ */ new WeakMap();
    function flattenSharedLabels(labels) {
      const cached = sharedLabelCache.get(labels);
      if (cached) {
        return cached;
      }
      const formattedLabels = formatLabels(labels);
      const flattened = formattedLabels.join(",");
      sharedLabelCache.set(labels, flattened);
      return flattened;
    }
    function escapeLabelValue(str) {
      if (typeof str !== "string") {
        return str;
      }
      return escapeString(str).replace(/"/g, '\\"');
    }
    function escapeString(str) {
      return str.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
    }
    function standardizeCounterName(name) {
      return name.replace(/_total$/, "");
    }
    module2.exports = Registry;
    module2.exports.globalRegistry = new Registry();
  }
});

// node_modules/prom-client/lib/validation.js
var require_validation = __commonJS({
  "node_modules/prom-client/lib/validation.js"(exports2) {
    "use strict";
    var util = require("util");
    var metricRegexp = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
    var labelRegexp = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
    exports2.validateMetricName = function(name) {
      return metricRegexp.test(name);
    };
    exports2.validateLabelName = function(names = []) {
      return names.every((name) => labelRegexp.test(name));
    };
    exports2.validateLabel = function validateLabel(savedLabels, labels) {
      for (const label in labels) {
        if (!savedLabels.includes(label)) {
          throw new Error(
            `Added label "${label}" is not included in initial labelset: ${util.inspect(
              savedLabels
            )}`
          );
        }
      }
    };
  }
});

// node_modules/prom-client/lib/metric.js
var require_metric = __commonJS({
  "node_modules/prom-client/lib/metric.js"(exports2, module2) {
    "use strict";
    var Registry = require_registry();
    var { isObject } = require_util();
    var { validateMetricName, validateLabelName } = require_validation();
    var Metric = class {
      constructor(config, defaults = {}) {
        if (!isObject(config)) {
          throw new TypeError("constructor expected a config object");
        }
        Object.assign(
          this,
          {
            labelNames: [],
            registers: [Registry.globalRegistry],
            aggregator: "sum",
            enableExemplars: false
          },
          defaults,
          config
        );
        if (!this.registers) {
          this.registers = [Registry.globalRegistry];
        }
        if (!this.help) {
          throw new Error("Missing mandatory help parameter");
        }
        if (!this.name) {
          throw new Error("Missing mandatory name parameter");
        }
        if (!validateMetricName(this.name)) {
          throw new Error("Invalid metric name");
        }
        if (!validateLabelName(this.labelNames)) {
          throw new Error("Invalid label name");
        }
        if (this.collect && typeof this.collect !== "function") {
          throw new Error('Optional "collect" parameter must be a function');
        }
        if (this.labelNames) {
          this.sortedLabelNames = [...this.labelNames].sort();
        } else {
          this.sortedLabelNames = [];
        }
        this.reset();
        for (const register of this.registers) {
          if (this.enableExemplars && register.contentType === Registry.PROMETHEUS_CONTENT_TYPE) {
            throw new TypeError(
              "Exemplars are supported only on OpenMetrics registries"
            );
          }
          register.registerMetric(this);
        }
      }
      reset() {
      }
    };
    module2.exports = { Metric };
  }
});

// node_modules/prom-client/lib/exemplar.js
var require_exemplar = __commonJS({
  "node_modules/prom-client/lib/exemplar.js"(exports2, module2) {
    "use strict";
    var Exemplar = class {
      constructor(labelSet = {}, value = null) {
        this.labelSet = labelSet;
        this.value = value;
      }
      /**
       * Validation for the label set format.
       * https://github.com/OpenObservability/OpenMetrics/blob/d99b705f611b75fec8f450b05e344e02eea6921d/specification/OpenMetrics.md#exemplars
       *
       * @param {object} labelSet - Exemplar labels.
       * @throws {RangeError}
       * @return {void}
       */
      validateExemplarLabelSet(labelSet) {
        let res = "";
        for (const [labelName, labelValue] of Object.entries(labelSet)) {
          res += `${labelName}${labelValue}`;
        }
        if (res.length > 128) {
          throw new RangeError(
            "Label set size must be smaller than 128 UTF-8 chars"
          );
        }
      }
    };
    module2.exports = Exemplar;
  }
});

// node_modules/prom-client/lib/counter.js
var require_counter = __commonJS({
  "node_modules/prom-client/lib/counter.js"(exports2, module2) {
    "use strict";
    var util = require("util");
    var {
      hashObject,
      isObject,
      getLabels,
      removeLabels,
      nowTimestamp
    } = require_util();
    var { validateLabel } = require_validation();
    var { Metric } = require_metric();
    var Exemplar = require_exemplar();
    var Counter = class extends Metric {
      constructor(config) {
        super(config);
        this.type = "counter";
        this.defaultLabels = {};
        this.defaultValue = 1;
        this.defaultExemplarLabelSet = {};
        if (config.enableExemplars) {
          this.enableExemplars = true;
          this.inc = this.incWithExemplar;
        } else {
          this.inc = this.incWithoutExemplar;
        }
      }
      /**
       * Increment counter
       * @param {object} labels - What label you want to be incremented
       * @param {Number} value - Value to increment, if omitted increment with 1
       * @returns {object} results - object with information about the inc operation
       * @returns {string} results.labelHash - hash representation of the labels
       */
      incWithoutExemplar(labels, value) {
        let hash = "";
        if (isObject(labels)) {
          hash = hashObject(labels, this.sortedLabelNames);
          validateLabel(this.labelNames, labels);
        } else {
          value = labels;
          labels = {};
        }
        if (value && !Number.isFinite(value)) {
          throw new TypeError(`Value is not a valid number: ${util.format(value)}`);
        }
        if (value < 0) {
          throw new Error("It is not possible to decrease a counter");
        }
        if (value === null || value === void 0) value = 1;
        setValue(this.hashMap, value, labels, hash);
        return { labelHash: hash };
      }
      /**
       * Increment counter with exemplar, same as inc but accepts labels for an
       * exemplar.
       * If no label is provided the current exemplar labels are kept unchanged
       * (defaults to empty set).
       *
       * @param {object} incOpts - Object with options about what metric to increase
       * @param {object} incOpts.labels - What label you want to be incremented,
       *                                  defaults to null (metric with no labels)
       * @param {Number} incOpts.value - Value to increment, defaults to 1
       * @param {object} incOpts.exemplarLabels - Key-value  labels for the
       *                                          exemplar, defaults to empty set {}
       * @returns {void}
       */
      incWithExemplar({
        labels = this.defaultLabels,
        value = this.defaultValue,
        exemplarLabels = this.defaultExemplarLabelSet
      } = {}) {
        const res = this.incWithoutExemplar(labels, value);
        this.updateExemplar(exemplarLabels, value, res.labelHash);
      }
      updateExemplar(exemplarLabels, value, hash) {
        if (exemplarLabels === this.defaultExemplarLabelSet) return;
        if (!isObject(this.hashMap[hash].exemplar)) {
          this.hashMap[hash].exemplar = new Exemplar();
        }
        this.hashMap[hash].exemplar.validateExemplarLabelSet(exemplarLabels);
        this.hashMap[hash].exemplar.labelSet = exemplarLabels;
        this.hashMap[hash].exemplar.value = value ? value : 1;
        this.hashMap[hash].exemplar.timestamp = nowTimestamp();
      }
      /**
       * Reset counter
       * @returns {void}
       */
      reset() {
        this.hashMap = {};
        if (this.labelNames.length === 0) {
          setValue(this.hashMap, 0);
        }
      }
      async get() {
        if (this.collect) {
          const v = this.collect();
          if (v instanceof Promise) await v;
        }
        return {
          help: this.help,
          name: this.name,
          type: this.type,
          values: Object.values(this.hashMap),
          aggregator: this.aggregator
        };
      }
      labels(...args) {
        const labels = getLabels(this.labelNames, args) || {};
        return {
          inc: this.inc.bind(this, labels)
        };
      }
      remove(...args) {
        const labels = getLabels(this.labelNames, args) || {};
        validateLabel(this.labelNames, labels);
        return removeLabels.call(this, this.hashMap, labels, this.sortedLabelNames);
      }
    };
    function setValue(hashMap, value, labels = {}, hash = "") {
      if (hashMap[hash]) {
        hashMap[hash].value += value;
      } else {
        hashMap[hash] = { value, labels };
      }
      return hashMap;
    }
    module2.exports = Counter;
  }
});

// node_modules/prom-client/lib/gauge.js
var require_gauge = __commonJS({
  "node_modules/prom-client/lib/gauge.js"(exports2, module2) {
    "use strict";
    var util = require("util");
    var {
      setValue,
      setValueDelta,
      getLabels,
      hashObject,
      isObject,
      removeLabels
    } = require_util();
    var { validateLabel } = require_validation();
    var { Metric } = require_metric();
    var Gauge = class extends Metric {
      constructor(config) {
        super(config);
        this.type = "gauge";
      }
      /**
       * Set a gauge to a value
       * @param {object} labels - Object with labels and their values
       * @param {Number} value - Value to set the gauge to, must be positive
       * @returns {void}
       */
      set(labels, value) {
        value = getValueArg(labels, value);
        labels = getLabelArg(labels);
        set(this, labels, value);
      }
      /**
       * Reset gauge
       * @returns {void}
       */
      reset() {
        this.hashMap = {};
        if (this.labelNames.length === 0) {
          setValue(this.hashMap, 0, {});
        }
      }
      /**
       * Increment a gauge value
       * @param {object} labels - Object with labels where key is the label key and value is label value. Can only be one level deep
       * @param {Number} value - Value to increment - if omitted, increment with 1
       * @returns {void}
       */
      inc(labels, value) {
        value = getValueArg(labels, value);
        labels = getLabelArg(labels);
        if (value === void 0) value = 1;
        setDelta(this, labels, value);
      }
      /**
       * Decrement a gauge value
       * @param {object} labels - Object with labels where key is the label key and value is label value. Can only be one level deep
       * @param {Number} value - Value to decrement - if omitted, decrement with 1
       * @returns {void}
       */
      dec(labels, value) {
        value = getValueArg(labels, value);
        labels = getLabelArg(labels);
        if (value === void 0) value = 1;
        setDelta(this, labels, -value);
      }
      /**
       * Set the gauge to current unix epoch
       * @param {object} labels - Object with labels where key is the label key and value is label value. Can only be one level deep
       * @returns {void}
       */
      setToCurrentTime(labels) {
        const now = Date.now() / 1e3;
        if (labels === void 0) {
          this.set(now);
        } else {
          this.set(labels, now);
        }
      }
      /**
       * Start a timer
       * @param {object} labels - Object with labels where key is the label key and value is label value. Can only be one level deep
       * @returns {function} - Invoke this function to set the duration in seconds since you started the timer.
       * @example
       * var done = gauge.startTimer();
       * makeXHRRequest(function(err, response) {
       *	done(); //Duration of the request will be saved
       * });
       */
      startTimer(labels) {
        const start = process.hrtime();
        return (endLabels) => {
          const delta = process.hrtime(start);
          const value = delta[0] + delta[1] / 1e9;
          this.set(Object.assign({}, labels, endLabels), value);
          return value;
        };
      }
      async get() {
        if (this.collect) {
          const v = this.collect();
          if (v instanceof Promise) await v;
        }
        return {
          help: this.help,
          name: this.name,
          type: this.type,
          values: Object.values(this.hashMap),
          aggregator: this.aggregator
        };
      }
      _getValue(labels) {
        const hash = hashObject(labels || {}, this.sortedLabelNames);
        return this.hashMap[hash] ? this.hashMap[hash].value : 0;
      }
      labels(...args) {
        const labels = getLabels(this.labelNames, args);
        validateLabel(this.labelNames, labels);
        return {
          inc: this.inc.bind(this, labels),
          dec: this.dec.bind(this, labels),
          set: this.set.bind(this, labels),
          setToCurrentTime: this.setToCurrentTime.bind(this, labels),
          startTimer: this.startTimer.bind(this, labels)
        };
      }
      remove(...args) {
        const labels = getLabels(this.labelNames, args);
        validateLabel(this.labelNames, labels);
        removeLabels.call(this, this.hashMap, labels, this.sortedLabelNames);
      }
    };
    function set(gauge, labels, value) {
      if (typeof value !== "number") {
        throw new TypeError(`Value is not a valid number: ${util.format(value)}`);
      }
      validateLabel(gauge.labelNames, labels);
      setValue(gauge.hashMap, value, labels);
    }
    function setDelta(gauge, labels, delta) {
      if (typeof delta !== "number") {
        throw new TypeError(`Delta is not a valid number: ${util.format(delta)}`);
      }
      validateLabel(gauge.labelNames, labels);
      const hash = hashObject(labels, gauge.sortedLabelNames);
      setValueDelta(gauge.hashMap, delta, labels, hash);
    }
    function getLabelArg(labels) {
      return isObject(labels) ? labels : {};
    }
    function getValueArg(labels, value) {
      return isObject(labels) ? value : labels;
    }
    module2.exports = Gauge;
  }
});

// node_modules/prom-client/lib/histogram.js
var require_histogram = __commonJS({
  "node_modules/prom-client/lib/histogram.js"(exports2, module2) {
    "use strict";
    var util = require("util");
    var {
      getLabels,
      hashObject,
      isObject,
      removeLabels,
      nowTimestamp
    } = require_util();
    var { validateLabel } = require_validation();
    var { Metric } = require_metric();
    var Exemplar = require_exemplar();
    var Histogram = class extends Metric {
      constructor(config) {
        super(config, {
          buckets: [5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
        });
        this.type = "histogram";
        this.defaultLabels = {};
        this.defaultExemplarLabelSet = {};
        this.enableExemplars = false;
        for (const label of this.labelNames) {
          if (label === "le") {
            throw new Error("le is a reserved label keyword");
          }
        }
        this.upperBounds = this.buckets;
        this.bucketValues = this.upperBounds.reduce((acc, upperBound) => {
          acc[upperBound] = 0;
          return acc;
        }, {});
        if (config.enableExemplars) {
          this.enableExemplars = true;
          this.bucketExemplars = this.upperBounds.reduce((acc, upperBound) => {
            acc[upperBound] = null;
            return acc;
          }, {});
          Object.freeze(this.bucketExemplars);
          this.observe = this.observeWithExemplar;
        } else {
          this.observe = this.observeWithoutExemplar;
        }
        Object.freeze(this.bucketValues);
        Object.freeze(this.upperBounds);
        if (this.labelNames.length === 0) {
          this.hashMap = {
            [hashObject({})]: createBaseValues(
              {},
              this.bucketValues,
              this.bucketExemplars
            )
          };
        }
      }
      /**
       * Observe a value in histogram
       * @param {object} labels - Object with labels where key is the label key and value is label value. Can only be one level deep
       * @param {Number} value - Value to observe in the histogram
       * @returns {void}
       */
      observeWithoutExemplar(labels, value) {
        observe.call(this, labels === 0 ? 0 : labels || {})(value);
      }
      observeWithExemplar({
        labels = this.defaultLabels,
        value,
        exemplarLabels = this.defaultExemplarLabelSet
      } = {}) {
        observe.call(this, labels === 0 ? 0 : labels || {})(value);
        this.updateExemplar(labels, value, exemplarLabels);
      }
      updateExemplar(labels, value, exemplarLabels) {
        if (Object.keys(exemplarLabels).length === 0) return;
        const hash = hashObject(labels, this.sortedLabelNames);
        const bound = findBound(this.upperBounds, value);
        const { bucketExemplars } = this.hashMap[hash];
        let exemplar = bucketExemplars[bound];
        if (!isObject(exemplar)) {
          exemplar = new Exemplar();
          bucketExemplars[bound] = exemplar;
        }
        exemplar.validateExemplarLabelSet(exemplarLabels);
        exemplar.labelSet = exemplarLabels;
        exemplar.value = value;
        exemplar.timestamp = nowTimestamp();
      }
      async get() {
        const data = await this.getForPromString();
        data.values = data.values.map(splayLabels);
        return data;
      }
      async getForPromString() {
        if (this.collect) {
          const v = this.collect();
          if (v instanceof Promise) await v;
        }
        const data = Object.values(this.hashMap);
        const values = data.map(extractBucketValuesForExport(this)).reduce(addSumAndCountForExport(this), []);
        return {
          name: this.name,
          help: this.help,
          type: this.type,
          values,
          aggregator: this.aggregator
        };
      }
      reset() {
        this.hashMap = {};
      }
      /**
       * Initialize the metrics for the given combination of labels to zero
       * @param {object} labels - Object with labels where key is the label key and value is label value. Can only be one level deep
       * @returns {void}
       */
      zero(labels) {
        const hash = hashObject(labels, this.sortedLabelNames);
        this.hashMap[hash] = createBaseValues(
          labels,
          this.bucketValues,
          this.bucketExemplars
        );
      }
      /**
       * Start a timer that could be used to logging durations
       * @param {object} labels - Object with labels where key is the label key and value is label value. Can only be one level deep
       * @param {object} exemplarLabels - Object with labels for exemplar where key is the label key and value is label value. Can only be one level deep
       * @returns {function} - Function to invoke when you want to stop the timer and observe the duration in seconds
       * @example
       * var end = histogram.startTimer();
       * makeExpensiveXHRRequest(function(err, res) {
       * 	const duration = end(); //Observe the duration of expensiveXHRRequest and returns duration in seconds
       * 	console.log('Duration', duration);
       * });
       */
      startTimer(labels, exemplarLabels) {
        return this.enableExemplars ? startTimerWithExemplar.call(this, labels, exemplarLabels)() : startTimer.call(this, labels)();
      }
      labels(...args) {
        const labels = getLabels(this.labelNames, args);
        validateLabel(this.labelNames, labels);
        return {
          observe: observe.call(this, labels),
          startTimer: startTimer.call(this, labels)
        };
      }
      remove(...args) {
        const labels = getLabels(this.labelNames, args);
        validateLabel(this.labelNames, labels);
        removeLabels.call(this, this.hashMap, labels, this.sortedLabelNames);
      }
    };
    function startTimer(startLabels) {
      return () => {
        const start = process.hrtime();
        return (endLabels) => {
          const delta = process.hrtime(start);
          const value = delta[0] + delta[1] / 1e9;
          this.observe(Object.assign({}, startLabels, endLabels), value);
          return value;
        };
      };
    }
    function startTimerWithExemplar(startLabels, startExemplarLabels) {
      return () => {
        const start = process.hrtime();
        return (endLabels, endExemplarLabels) => {
          const delta = process.hrtime(start);
          const value = delta[0] + delta[1] / 1e9;
          this.observe({
            labels: Object.assign({}, startLabels, endLabels),
            value,
            exemplarLabels: Object.assign(
              {},
              startExemplarLabels,
              endExemplarLabels
            )
          });
          return value;
        };
      };
    }
    function setValuePair(labels, value, metricName, exemplar, sharedLabels = {}) {
      return {
        labels,
        sharedLabels,
        value,
        metricName,
        exemplar
      };
    }
    function findBound(upperBounds, value) {
      for (let i = 0; i < upperBounds.length; i++) {
        const bound = upperBounds[i];
        if (value <= bound) {
          return bound;
        }
      }
      return -1;
    }
    function observe(labels) {
      return (value) => {
        const labelValuePair = convertLabelsAndValues(labels, value);
        validateLabel(this.labelNames, labelValuePair.labels);
        if (!Number.isFinite(labelValuePair.value)) {
          throw new TypeError(
            `Value is not a valid number: ${util.format(labelValuePair.value)}`
          );
        }
        const hash = hashObject(labelValuePair.labels, this.sortedLabelNames);
        let valueFromMap = this.hashMap[hash];
        if (!valueFromMap) {
          valueFromMap = createBaseValues(
            labelValuePair.labels,
            this.bucketValues,
            this.bucketExemplars
          );
        }
        const b = findBound(this.upperBounds, labelValuePair.value);
        valueFromMap.sum += labelValuePair.value;
        valueFromMap.count += 1;
        if (Object.prototype.hasOwnProperty.call(valueFromMap.bucketValues, b)) {
          valueFromMap.bucketValues[b] += 1;
        }
        this.hashMap[hash] = valueFromMap;
      };
    }
    function createBaseValues(labels, bucketValues, bucketExemplars) {
      const result = {
        labels,
        bucketValues: { ...bucketValues },
        sum: 0,
        count: 0
      };
      if (bucketExemplars) {
        result.bucketExemplars = { ...bucketExemplars };
      }
      return result;
    }
    function convertLabelsAndValues(labels, value) {
      return isObject(labels) ? {
        labels,
        value
      } : {
        value: labels,
        labels: {}
      };
    }
    function extractBucketValuesForExport(histogram) {
      const name = `${histogram.name}_bucket`;
      return (bucketData) => {
        let acc = 0;
        const buckets = histogram.upperBounds.map((upperBound) => {
          acc += bucketData.bucketValues[upperBound];
          return setValuePair(
            { le: upperBound },
            acc,
            name,
            bucketData.bucketExemplars ? bucketData.bucketExemplars[upperBound] : null,
            bucketData.labels
          );
        });
        return { buckets, data: bucketData };
      };
    }
    function addSumAndCountForExport(histogram) {
      return (acc, d) => {
        acc.push(...d.buckets);
        const infLabel = { le: "+Inf" };
        acc.push(
          setValuePair(
            infLabel,
            d.data.count,
            `${histogram.name}_bucket`,
            d.data.bucketExemplars ? d.data.bucketExemplars["-1"] : null,
            d.data.labels
          ),
          setValuePair(
            {},
            d.data.sum,
            `${histogram.name}_sum`,
            void 0,
            d.data.labels
          ),
          setValuePair(
            {},
            d.data.count,
            `${histogram.name}_count`,
            void 0,
            d.data.labels
          )
        );
        return acc;
      };
    }
    function splayLabels(bucket) {
      const { sharedLabels, labels, ...newBucket } = bucket;
      for (const label of Object.keys(sharedLabels)) {
        labels[label] = sharedLabels[label];
      }
      newBucket.labels = labels;
      return newBucket;
    }
    module2.exports = Histogram;
  }
});

// node_modules/bintrees/lib/treebase.js
var require_treebase = __commonJS({
  "node_modules/bintrees/lib/treebase.js"(exports2, module2) {
    function TreeBase() {
    }
    TreeBase.prototype.clear = function() {
      this._root = null;
      this.size = 0;
    };
    TreeBase.prototype.find = function(data) {
      var res = this._root;
      while (res !== null) {
        var c = this._comparator(data, res.data);
        if (c === 0) {
          return res.data;
        } else {
          res = res.get_child(c > 0);
        }
      }
      return null;
    };
    TreeBase.prototype.findIter = function(data) {
      var res = this._root;
      var iter = this.iterator();
      while (res !== null) {
        var c = this._comparator(data, res.data);
        if (c === 0) {
          iter._cursor = res;
          return iter;
        } else {
          iter._ancestors.push(res);
          res = res.get_child(c > 0);
        }
      }
      return null;
    };
    TreeBase.prototype.lowerBound = function(item) {
      var cur = this._root;
      var iter = this.iterator();
      var cmp = this._comparator;
      while (cur !== null) {
        var c = cmp(item, cur.data);
        if (c === 0) {
          iter._cursor = cur;
          return iter;
        }
        iter._ancestors.push(cur);
        cur = cur.get_child(c > 0);
      }
      for (var i = iter._ancestors.length - 1; i >= 0; --i) {
        cur = iter._ancestors[i];
        if (cmp(item, cur.data) < 0) {
          iter._cursor = cur;
          iter._ancestors.length = i;
          return iter;
        }
      }
      iter._ancestors.length = 0;
      return iter;
    };
    TreeBase.prototype.upperBound = function(item) {
      var iter = this.lowerBound(item);
      var cmp = this._comparator;
      while (iter.data() !== null && cmp(iter.data(), item) === 0) {
        iter.next();
      }
      return iter;
    };
    TreeBase.prototype.min = function() {
      var res = this._root;
      if (res === null) {
        return null;
      }
      while (res.left !== null) {
        res = res.left;
      }
      return res.data;
    };
    TreeBase.prototype.max = function() {
      var res = this._root;
      if (res === null) {
        return null;
      }
      while (res.right !== null) {
        res = res.right;
      }
      return res.data;
    };
    TreeBase.prototype.iterator = function() {
      return new Iterator(this);
    };
    TreeBase.prototype.each = function(cb) {
      var it = this.iterator(), data;
      while ((data = it.next()) !== null) {
        if (cb(data) === false) {
          return;
        }
      }
    };
    TreeBase.prototype.reach = function(cb) {
      var it = this.iterator(), data;
      while ((data = it.prev()) !== null) {
        if (cb(data) === false) {
          return;
        }
      }
    };
    function Iterator(tree) {
      this._tree = tree;
      this._ancestors = [];
      this._cursor = null;
    }
    Iterator.prototype.data = function() {
      return this._cursor !== null ? this._cursor.data : null;
    };
    Iterator.prototype.next = function() {
      if (this._cursor === null) {
        var root = this._tree._root;
        if (root !== null) {
          this._minNode(root);
        }
      } else {
        if (this._cursor.right === null) {
          var save;
          do {
            save = this._cursor;
            if (this._ancestors.length) {
              this._cursor = this._ancestors.pop();
            } else {
              this._cursor = null;
              break;
            }
          } while (this._cursor.right === save);
        } else {
          this._ancestors.push(this._cursor);
          this._minNode(this._cursor.right);
        }
      }
      return this._cursor !== null ? this._cursor.data : null;
    };
    Iterator.prototype.prev = function() {
      if (this._cursor === null) {
        var root = this._tree._root;
        if (root !== null) {
          this._maxNode(root);
        }
      } else {
        if (this._cursor.left === null) {
          var save;
          do {
            save = this._cursor;
            if (this._ancestors.length) {
              this._cursor = this._ancestors.pop();
            } else {
              this._cursor = null;
              break;
            }
          } while (this._cursor.left === save);
        } else {
          this._ancestors.push(this._cursor);
          this._maxNode(this._cursor.left);
        }
      }
      return this._cursor !== null ? this._cursor.data : null;
    };
    Iterator.prototype._minNode = function(start) {
      while (start.left !== null) {
        this._ancestors.push(start);
        start = start.left;
      }
      this._cursor = start;
    };
    Iterator.prototype._maxNode = function(start) {
      while (start.right !== null) {
        this._ancestors.push(start);
        start = start.right;
      }
      this._cursor = start;
    };
    module2.exports = TreeBase;
  }
});

// node_modules/bintrees/lib/rbtree.js
var require_rbtree = __commonJS({
  "node_modules/bintrees/lib/rbtree.js"(exports2, module2) {
    var TreeBase = require_treebase();
    function Node(data) {
      this.data = data;
      this.left = null;
      this.right = null;
      this.red = true;
    }
    Node.prototype.get_child = function(dir) {
      return dir ? this.right : this.left;
    };
    Node.prototype.set_child = function(dir, val) {
      if (dir) {
        this.right = val;
      } else {
        this.left = val;
      }
    };
    function RBTree(comparator) {
      this._root = null;
      this._comparator = comparator;
      this.size = 0;
    }
    RBTree.prototype = new TreeBase();
    RBTree.prototype.insert = function(data) {
      var ret2 = false;
      if (this._root === null) {
        this._root = new Node(data);
        ret2 = true;
        this.size++;
      } else {
        var head = new Node(void 0);
        var dir = 0;
        var last = 0;
        var gp = null;
        var ggp = head;
        var p = null;
        var node = this._root;
        ggp.right = this._root;
        while (true) {
          if (node === null) {
            node = new Node(data);
            p.set_child(dir, node);
            ret2 = true;
            this.size++;
          } else if (is_red(node.left) && is_red(node.right)) {
            node.red = true;
            node.left.red = false;
            node.right.red = false;
          }
          if (is_red(node) && is_red(p)) {
            var dir2 = ggp.right === gp;
            if (node === p.get_child(last)) {
              ggp.set_child(dir2, single_rotate(gp, !last));
            } else {
              ggp.set_child(dir2, double_rotate(gp, !last));
            }
          }
          var cmp = this._comparator(node.data, data);
          if (cmp === 0) {
            break;
          }
          last = dir;
          dir = cmp < 0;
          if (gp !== null) {
            ggp = gp;
          }
          gp = p;
          p = node;
          node = node.get_child(dir);
        }
        this._root = head.right;
      }
      this._root.red = false;
      return ret2;
    };
    RBTree.prototype.remove = function(data) {
      if (this._root === null) {
        return false;
      }
      var head = new Node(void 0);
      var node = head;
      node.right = this._root;
      var p = null;
      var gp = null;
      var found = null;
      var dir = 1;
      while (node.get_child(dir) !== null) {
        var last = dir;
        gp = p;
        p = node;
        node = node.get_child(dir);
        var cmp = this._comparator(data, node.data);
        dir = cmp > 0;
        if (cmp === 0) {
          found = node;
        }
        if (!is_red(node) && !is_red(node.get_child(dir))) {
          if (is_red(node.get_child(!dir))) {
            var sr = single_rotate(node, dir);
            p.set_child(last, sr);
            p = sr;
          } else if (!is_red(node.get_child(!dir))) {
            var sibling = p.get_child(!last);
            if (sibling !== null) {
              if (!is_red(sibling.get_child(!last)) && !is_red(sibling.get_child(last))) {
                p.red = false;
                sibling.red = true;
                node.red = true;
              } else {
                var dir2 = gp.right === p;
                if (is_red(sibling.get_child(last))) {
                  gp.set_child(dir2, double_rotate(p, last));
                } else if (is_red(sibling.get_child(!last))) {
                  gp.set_child(dir2, single_rotate(p, last));
                }
                var gpc = gp.get_child(dir2);
                gpc.red = true;
                node.red = true;
                gpc.left.red = false;
                gpc.right.red = false;
              }
            }
          }
        }
      }
      if (found !== null) {
        found.data = node.data;
        p.set_child(p.right === node, node.get_child(node.left === null));
        this.size--;
      }
      this._root = head.right;
      if (this._root !== null) {
        this._root.red = false;
      }
      return found !== null;
    };
    function is_red(node) {
      return node !== null && node.red;
    }
    function single_rotate(root, dir) {
      var save = root.get_child(!dir);
      root.set_child(!dir, save.get_child(dir));
      save.set_child(dir, root);
      root.red = true;
      save.red = false;
      return save;
    }
    function double_rotate(root, dir) {
      root.set_child(!dir, single_rotate(root.get_child(!dir), !dir));
      return single_rotate(root, dir);
    }
    module2.exports = RBTree;
  }
});

// node_modules/bintrees/lib/bintree.js
var require_bintree = __commonJS({
  "node_modules/bintrees/lib/bintree.js"(exports2, module2) {
    var TreeBase = require_treebase();
    function Node(data) {
      this.data = data;
      this.left = null;
      this.right = null;
    }
    Node.prototype.get_child = function(dir) {
      return dir ? this.right : this.left;
    };
    Node.prototype.set_child = function(dir, val) {
      if (dir) {
        this.right = val;
      } else {
        this.left = val;
      }
    };
    function BinTree(comparator) {
      this._root = null;
      this._comparator = comparator;
      this.size = 0;
    }
    BinTree.prototype = new TreeBase();
    BinTree.prototype.insert = function(data) {
      if (this._root === null) {
        this._root = new Node(data);
        this.size++;
        return true;
      }
      var dir = 0;
      var p = null;
      var node = this._root;
      while (true) {
        if (node === null) {
          node = new Node(data);
          p.set_child(dir, node);
          ret = true;
          this.size++;
          return true;
        }
        if (this._comparator(node.data, data) === 0) {
          return false;
        }
        dir = this._comparator(node.data, data) < 0;
        p = node;
        node = node.get_child(dir);
      }
    };
    BinTree.prototype.remove = function(data) {
      if (this._root === null) {
        return false;
      }
      var head = new Node(void 0);
      var node = head;
      node.right = this._root;
      var p = null;
      var found = null;
      var dir = 1;
      while (node.get_child(dir) !== null) {
        p = node;
        node = node.get_child(dir);
        var cmp = this._comparator(data, node.data);
        dir = cmp > 0;
        if (cmp === 0) {
          found = node;
        }
      }
      if (found !== null) {
        found.data = node.data;
        p.set_child(p.right === node, node.get_child(node.left === null));
        this._root = head.right;
        this.size--;
        return true;
      } else {
        return false;
      }
    };
    module2.exports = BinTree;
  }
});

// node_modules/bintrees/index.js
var require_bintrees = __commonJS({
  "node_modules/bintrees/index.js"(exports2, module2) {
    module2.exports = {
      RBTree: require_rbtree(),
      BinTree: require_bintree()
    };
  }
});

// node_modules/tdigest/tdigest.js
var require_tdigest = __commonJS({
  "node_modules/tdigest/tdigest.js"(exports2, module2) {
    var RBTree = require_bintrees().RBTree;
    function TDigest(delta, K, CX) {
      this.discrete = delta === false;
      this.delta = delta || 0.01;
      this.K = K === void 0 ? 25 : K;
      this.CX = CX === void 0 ? 1.1 : CX;
      this.centroids = new RBTree(compare_centroid_means);
      this.nreset = 0;
      this.reset();
    }
    TDigest.prototype.reset = function() {
      this.centroids.clear();
      this.n = 0;
      this.nreset += 1;
      this.last_cumulate = 0;
    };
    TDigest.prototype.size = function() {
      return this.centroids.size;
    };
    TDigest.prototype.toArray = function(everything) {
      var result = [];
      if (everything) {
        this._cumulate(true);
        this.centroids.each(function(c) {
          result.push(c);
        });
      } else {
        this.centroids.each(function(c) {
          result.push({ mean: c.mean, n: c.n });
        });
      }
      return result;
    };
    TDigest.prototype.summary = function() {
      var approx = this.discrete ? "exact " : "approximating ";
      var s = [
        approx + this.n + " samples using " + this.size() + " centroids",
        "min = " + this.percentile(0),
        "Q1  = " + this.percentile(0.25),
        "Q2  = " + this.percentile(0.5),
        "Q3  = " + this.percentile(0.75),
        "max = " + this.percentile(1)
      ];
      return s.join("\n");
    };
    function compare_centroid_means(a, b) {
      return a.mean > b.mean ? 1 : a.mean < b.mean ? -1 : 0;
    }
    function compare_centroid_mean_cumns(a, b) {
      return a.mean_cumn - b.mean_cumn;
    }
    TDigest.prototype.push = function(x, n) {
      n = n || 1;
      x = Array.isArray(x) ? x : [x];
      for (var i = 0; i < x.length; i++) {
        this._digest(x[i], n);
      }
    };
    TDigest.prototype.push_centroid = function(c) {
      c = Array.isArray(c) ? c : [c];
      for (var i = 0; i < c.length; i++) {
        this._digest(c[i].mean, c[i].n);
      }
    };
    TDigest.prototype._cumulate = function(exact) {
      if (this.n === this.last_cumulate || !exact && this.CX && this.CX > this.n / this.last_cumulate) {
        return;
      }
      var cumn = 0;
      this.centroids.each(function(c) {
        c.mean_cumn = cumn + c.n / 2;
        cumn = c.cumn = cumn + c.n;
      });
      this.n = this.last_cumulate = cumn;
    };
    TDigest.prototype.find_nearest = function(x) {
      if (this.size() === 0) {
        return null;
      }
      var iter = this.centroids.lowerBound({ mean: x });
      var c = iter.data() === null ? iter.prev() : iter.data();
      if (c.mean === x || this.discrete) {
        return c;
      }
      var prev = iter.prev();
      if (prev && Math.abs(prev.mean - x) < Math.abs(c.mean - x)) {
        return prev;
      } else {
        return c;
      }
    };
    TDigest.prototype._new_centroid = function(x, n, cumn) {
      var c = { mean: x, n, cumn };
      this.centroids.insert(c);
      this.n += n;
      return c;
    };
    TDigest.prototype._addweight = function(nearest, x, n) {
      if (x !== nearest.mean) {
        nearest.mean += n * (x - nearest.mean) / (nearest.n + n);
      }
      nearest.cumn += n;
      nearest.mean_cumn += n / 2;
      nearest.n += n;
      this.n += n;
    };
    TDigest.prototype._digest = function(x, n) {
      var min = this.centroids.min();
      var max = this.centroids.max();
      var nearest = this.find_nearest(x);
      if (nearest && nearest.mean === x) {
        this._addweight(nearest, x, n);
      } else if (nearest === min) {
        this._new_centroid(x, n, 0);
      } else if (nearest === max) {
        this._new_centroid(x, n, this.n);
      } else if (this.discrete) {
        this._new_centroid(x, n, nearest.cumn);
      } else {
        var p = nearest.mean_cumn / this.n;
        var max_n = Math.floor(4 * this.n * this.delta * p * (1 - p));
        if (max_n - nearest.n >= n) {
          this._addweight(nearest, x, n);
        } else {
          this._new_centroid(x, n, nearest.cumn);
        }
      }
      this._cumulate(false);
      if (!this.discrete && this.K && this.size() > this.K / this.delta) {
        this.compress();
      }
    };
    TDigest.prototype.bound_mean = function(x) {
      var iter = this.centroids.upperBound({ mean: x });
      var lower = iter.prev();
      var upper = lower.mean === x ? lower : iter.next();
      return [lower, upper];
    };
    TDigest.prototype.p_rank = function(x_or_xlist) {
      var xs = Array.isArray(x_or_xlist) ? x_or_xlist : [x_or_xlist];
      var ps = xs.map(this._p_rank, this);
      return Array.isArray(x_or_xlist) ? ps : ps[0];
    };
    TDigest.prototype._p_rank = function(x) {
      if (this.size() === 0) {
        return void 0;
      } else if (x < this.centroids.min().mean) {
        return 0;
      } else if (x > this.centroids.max().mean) {
        return 1;
      }
      this._cumulate(true);
      var bound = this.bound_mean(x);
      var lower = bound[0], upper = bound[1];
      if (this.discrete) {
        return lower.cumn / this.n;
      } else {
        var cumn = lower.mean_cumn;
        if (lower !== upper) {
          cumn += (x - lower.mean) * (upper.mean_cumn - lower.mean_cumn) / (upper.mean - lower.mean);
        }
        return cumn / this.n;
      }
    };
    TDigest.prototype.bound_mean_cumn = function(cumn) {
      this.centroids._comparator = compare_centroid_mean_cumns;
      var iter = this.centroids.upperBound({ mean_cumn: cumn });
      this.centroids._comparator = compare_centroid_means;
      var lower = iter.prev();
      var upper = lower && lower.mean_cumn === cumn ? lower : iter.next();
      return [lower, upper];
    };
    TDigest.prototype.percentile = function(p_or_plist) {
      var ps = Array.isArray(p_or_plist) ? p_or_plist : [p_or_plist];
      var qs = ps.map(this._percentile, this);
      return Array.isArray(p_or_plist) ? qs : qs[0];
    };
    TDigest.prototype._percentile = function(p) {
      if (this.size() === 0) {
        return void 0;
      }
      this._cumulate(true);
      var h = this.n * p;
      var bound = this.bound_mean_cumn(h);
      var lower = bound[0], upper = bound[1];
      if (upper === lower || lower === null || upper === null) {
        return (lower || upper).mean;
      } else if (!this.discrete) {
        return lower.mean + (h - lower.mean_cumn) * (upper.mean - lower.mean) / (upper.mean_cumn - lower.mean_cumn);
      } else if (h <= lower.cumn) {
        return lower.mean;
      } else {
        return upper.mean;
      }
    };
    function pop_random(choices) {
      var idx = Math.floor(Math.random() * choices.length);
      return choices.splice(idx, 1)[0];
    }
    TDigest.prototype.compress = function() {
      if (this.compressing) {
        return;
      }
      var points = this.toArray();
      this.reset();
      this.compressing = true;
      while (points.length > 0) {
        this.push_centroid(pop_random(points));
      }
      this._cumulate(true);
      this.compressing = false;
    };
    function Digest(config) {
      this.config = config || {};
      this.mode = this.config.mode || "auto";
      TDigest.call(this, this.mode === "cont" ? config.delta : false);
      this.digest_ratio = this.config.ratio || 0.9;
      this.digest_thresh = this.config.thresh || 1e3;
      this.n_unique = 0;
    }
    Digest.prototype = Object.create(TDigest.prototype);
    Digest.prototype.constructor = Digest;
    Digest.prototype.push = function(x_or_xlist) {
      TDigest.prototype.push.call(this, x_or_xlist);
      this.check_continuous();
    };
    Digest.prototype._new_centroid = function(x, n, cumn) {
      this.n_unique += 1;
      TDigest.prototype._new_centroid.call(this, x, n, cumn);
    };
    Digest.prototype._addweight = function(nearest, x, n) {
      if (nearest.n === 1) {
        this.n_unique -= 1;
      }
      TDigest.prototype._addweight.call(this, nearest, x, n);
    };
    Digest.prototype.check_continuous = function() {
      if (this.mode !== "auto" || this.size() < this.digest_thresh) {
        return false;
      }
      if (this.n_unique / this.size() > this.digest_ratio) {
        this.mode = "cont";
        this.discrete = false;
        this.delta = this.config.delta || 0.01;
        this.compress();
        return true;
      }
      return false;
    };
    module2.exports = {
      "TDigest": TDigest,
      "Digest": Digest
    };
  }
});

// node_modules/prom-client/lib/timeWindowQuantiles.js
var require_timeWindowQuantiles = __commonJS({
  "node_modules/prom-client/lib/timeWindowQuantiles.js"(exports2, module2) {
    "use strict";
    var { TDigest } = require_tdigest();
    var TimeWindowQuantiles = class {
      constructor(maxAgeSeconds, ageBuckets) {
        this.maxAgeSeconds = maxAgeSeconds || 0;
        this.ageBuckets = ageBuckets || 0;
        this.shouldRotate = maxAgeSeconds && ageBuckets;
        this.ringBuffer = Array(ageBuckets).fill(new TDigest());
        this.currentBuffer = 0;
        this.lastRotateTimestampMillis = Date.now();
        this.durationBetweenRotatesMillis = maxAgeSeconds * 1e3 / ageBuckets || Infinity;
      }
      size() {
        const bucket = rotate.call(this);
        return bucket.size();
      }
      percentile(quantile) {
        const bucket = rotate.call(this);
        return bucket.percentile(quantile);
      }
      push(value) {
        rotate.call(this);
        this.ringBuffer.forEach((bucket) => {
          bucket.push(value);
        });
      }
      reset() {
        this.ringBuffer.forEach((bucket) => {
          bucket.reset();
        });
      }
      compress() {
        this.ringBuffer.forEach((bucket) => {
          bucket.compress();
        });
      }
    };
    function rotate() {
      let timeSinceLastRotateMillis = Date.now() - this.lastRotateTimestampMillis;
      while (timeSinceLastRotateMillis > this.durationBetweenRotatesMillis && this.shouldRotate) {
        this.ringBuffer[this.currentBuffer] = new TDigest();
        if (++this.currentBuffer >= this.ringBuffer.length) {
          this.currentBuffer = 0;
        }
        timeSinceLastRotateMillis -= this.durationBetweenRotatesMillis;
        this.lastRotateTimestampMillis += this.durationBetweenRotatesMillis;
      }
      return this.ringBuffer[this.currentBuffer];
    }
    module2.exports = TimeWindowQuantiles;
  }
});

// node_modules/prom-client/lib/summary.js
var require_summary = __commonJS({
  "node_modules/prom-client/lib/summary.js"(exports2, module2) {
    "use strict";
    var util = require("util");
    var { getLabels, hashObject, removeLabels } = require_util();
    var { validateLabel } = require_validation();
    var { Metric } = require_metric();
    var timeWindowQuantiles = require_timeWindowQuantiles();
    var DEFAULT_COMPRESS_COUNT = 1e3;
    var Summary = class extends Metric {
      constructor(config) {
        super(config, {
          percentiles: [0.01, 0.05, 0.5, 0.9, 0.95, 0.99, 0.999],
          compressCount: DEFAULT_COMPRESS_COUNT,
          hashMap: {}
        });
        this.type = "summary";
        for (const label of this.labelNames) {
          if (label === "quantile")
            throw new Error("quantile is a reserved label keyword");
        }
        if (this.labelNames.length === 0) {
          this.hashMap = {
            [hashObject({})]: {
              labels: {},
              td: new timeWindowQuantiles(this.maxAgeSeconds, this.ageBuckets),
              count: 0,
              sum: 0
            }
          };
        }
      }
      /**
       * Observe a value
       * @param {object} labels - Object with labels where key is the label key and value is label value. Can only be one level deep
       * @param {Number} value - Value to observe
       * @returns {void}
       */
      observe(labels, value) {
        observe.call(this, labels === 0 ? 0 : labels || {})(value);
      }
      async get() {
        if (this.collect) {
          const v = this.collect();
          if (v instanceof Promise) await v;
        }
        const hashKeys = Object.keys(this.hashMap);
        const values = [];
        hashKeys.forEach((hashKey) => {
          const s = this.hashMap[hashKey];
          if (s) {
            if (this.pruneAgedBuckets && s.td.size() === 0) {
              delete this.hashMap[hashKey];
            } else {
              extractSummariesForExport(s, this.percentiles).forEach((v) => {
                values.push(v);
              });
              values.push(getSumForExport(s, this));
              values.push(getCountForExport(s, this));
            }
          }
        });
        return {
          name: this.name,
          help: this.help,
          type: this.type,
          values,
          aggregator: this.aggregator
        };
      }
      reset() {
        const data = Object.values(this.hashMap);
        data.forEach((s) => {
          s.td.reset();
          s.count = 0;
          s.sum = 0;
        });
      }
      /**
       * Start a timer that could be used to logging durations
       * @param {object} labels - Object with labels where key is the label key and value is label value. Can only be one level deep
       * @returns {function} - Function to invoke when you want to stop the timer and observe the duration in seconds
       * @example
       * var end = summary.startTimer();
       * makeExpensiveXHRRequest(function(err, res) {
       *	end(); //Observe the duration of expensiveXHRRequest
       * });
       */
      startTimer(labels) {
        return startTimer.call(this, labels)();
      }
      labels(...args) {
        const labels = getLabels(this.labelNames, args);
        validateLabel(this.labelNames, labels);
        return {
          observe: observe.call(this, labels),
          startTimer: startTimer.call(this, labels)
        };
      }
      remove(...args) {
        const labels = getLabels(this.labelNames, args);
        validateLabel(this.labelNames, labels);
        removeLabels.call(this, this.hashMap, labels, this.sortedLabelNames);
      }
    };
    function extractSummariesForExport(summaryOfLabels, percentiles) {
      summaryOfLabels.td.compress();
      return percentiles.map((percentile) => {
        const percentileValue = summaryOfLabels.td.percentile(percentile);
        return {
          labels: Object.assign({ quantile: percentile }, summaryOfLabels.labels),
          value: percentileValue ? percentileValue : 0
        };
      });
    }
    function getCountForExport(value, summary) {
      return {
        metricName: `${summary.name}_count`,
        labels: value.labels,
        value: value.count
      };
    }
    function getSumForExport(value, summary) {
      return {
        metricName: `${summary.name}_sum`,
        labels: value.labels,
        value: value.sum
      };
    }
    function startTimer(startLabels) {
      return () => {
        const start = process.hrtime();
        return (endLabels) => {
          const delta = process.hrtime(start);
          const value = delta[0] + delta[1] / 1e9;
          this.observe(Object.assign({}, startLabels, endLabels), value);
          return value;
        };
      };
    }
    function observe(labels) {
      return (value) => {
        const labelValuePair = convertLabelsAndValues(labels, value);
        validateLabel(this.labelNames, labels);
        if (!Number.isFinite(labelValuePair.value)) {
          throw new TypeError(
            `Value is not a valid number: ${util.format(labelValuePair.value)}`
          );
        }
        const hash = hashObject(labelValuePair.labels, this.sortedLabelNames);
        let summaryOfLabel = this.hashMap[hash];
        if (!summaryOfLabel) {
          summaryOfLabel = {
            labels: labelValuePair.labels,
            td: new timeWindowQuantiles(this.maxAgeSeconds, this.ageBuckets),
            count: 0,
            sum: 0
          };
        }
        summaryOfLabel.td.push(labelValuePair.value);
        summaryOfLabel.count++;
        if (summaryOfLabel.count % this.compressCount === 0) {
          summaryOfLabel.td.compress();
        }
        summaryOfLabel.sum += labelValuePair.value;
        this.hashMap[hash] = summaryOfLabel;
      };
    }
    function convertLabelsAndValues(labels, value) {
      if (value === void 0) {
        return {
          value: labels,
          labels: {}
        };
      }
      return {
        labels,
        value
      };
    }
    module2.exports = Summary;
  }
});

// node_modules/prom-client/lib/pushgateway.js
var require_pushgateway = __commonJS({
  "node_modules/prom-client/lib/pushgateway.js"(exports2, module2) {
    "use strict";
    var url = require("url");
    var http = require("http");
    var https = require("https");
    var { gzipSync } = require("zlib");
    var { globalRegistry } = require_registry();
    var Pushgateway = class {
      constructor(gatewayUrl, options, registry) {
        if (!registry) {
          registry = globalRegistry;
        }
        this.registry = registry;
        this.gatewayUrl = gatewayUrl;
        const { requireJobName, ...requestOptions } = {
          requireJobName: true,
          ...options
        };
        this.requireJobName = requireJobName;
        this.requestOptions = requestOptions;
      }
      pushAdd(params = {}) {
        if (this.requireJobName && !params.jobName) {
          throw new Error("Missing jobName parameter");
        }
        return useGateway.call(this, "POST", params.jobName, params.groupings);
      }
      push(params = {}) {
        if (this.requireJobName && !params.jobName) {
          throw new Error("Missing jobName parameter");
        }
        return useGateway.call(this, "PUT", params.jobName, params.groupings);
      }
      delete(params = {}) {
        if (this.requireJobName && !params.jobName) {
          throw new Error("Missing jobName parameter");
        }
        return useGateway.call(this, "DELETE", params.jobName, params.groupings);
      }
    };
    async function useGateway(method, job, groupings) {
      const gatewayUrlParsed = url.parse(this.gatewayUrl);
      const gatewayUrlPath = gatewayUrlParsed.pathname && gatewayUrlParsed.pathname !== "/" ? gatewayUrlParsed.pathname : "";
      const jobPath = job ? `/job/${encodeURIComponent(job)}${generateGroupings(groupings)}` : "";
      const path = `${gatewayUrlPath}/metrics${jobPath}`;
      const target = url.resolve(this.gatewayUrl, path);
      const requestParams = url.parse(target);
      const httpModule = isHttps(requestParams.href) ? https : http;
      const options = Object.assign(requestParams, this.requestOptions, {
        method
      });
      return new Promise((resolve, reject) => {
        if (method === "DELETE" && options.headers) {
          delete options.headers["Content-Encoding"];
        }
        const req = httpModule.request(options, (resp) => {
          let body = "";
          resp.setEncoding("utf8");
          resp.on("data", (chunk) => {
            body += chunk;
          });
          resp.on("end", () => {
            if (resp.statusCode >= 400) {
              reject(
                new Error(`push failed with status ${resp.statusCode}, ${body}`)
              );
            } else {
              resolve({ resp, body });
            }
          });
        });
        req.on("error", (err) => {
          reject(err);
        });
        req.on("timeout", () => {
          req.destroy(new Error("Pushgateway request timed out"));
        });
        if (method !== "DELETE") {
          this.registry.metrics().then((metrics) => {
            if (options.headers && options.headers["Content-Encoding"] === "gzip") {
              metrics = gzipSync(metrics);
            }
            req.write(metrics);
            req.end();
          }).catch((err) => {
            reject(err);
          });
        } else {
          req.end();
        }
      });
    }
    function generateGroupings(groupings) {
      if (!groupings) {
        return "";
      }
      return Object.keys(groupings).map(
        (key) => `/${encodeURIComponent(key)}/${encodeURIComponent(groupings[key])}`
      ).join("");
    }
    function isHttps(href) {
      return href.search(/^https/) !== -1;
    }
    module2.exports = Pushgateway;
  }
});

// node_modules/prom-client/lib/bucketGenerators.js
var require_bucketGenerators = __commonJS({
  "node_modules/prom-client/lib/bucketGenerators.js"(exports2) {
    "use strict";
    exports2.linearBuckets = (start, width, count) => {
      if (count < 1) {
        throw new Error("Linear buckets needs a positive count");
      }
      const buckets = new Array(count);
      for (let i = 0; i < count; i++) {
        buckets[i] = start + i * width;
      }
      return buckets;
    };
    exports2.exponentialBuckets = (start, factor, count) => {
      if (start <= 0) {
        throw new Error("Exponential buckets needs a positive start");
      }
      if (count < 1) {
        throw new Error("Exponential buckets needs a positive count");
      }
      if (factor <= 1) {
        throw new Error("Exponential buckets needs a factor greater than 1");
      }
      const buckets = new Array(count);
      for (let i = 0; i < count; i++) {
        buckets[i] = start;
        start *= factor;
      }
      return buckets;
    };
  }
});

// node_modules/@opentelemetry/api/dist/diag/types.cjs
var require_types = __commonJS({
  "node_modules/@opentelemetry/api/dist/diag/types.cjs"(exports2) {
    var DiagLogLevel = /* @__PURE__ */ (function(DiagLogLevel2) {
      DiagLogLevel2[DiagLogLevel2["NONE"] = 0] = "NONE";
      DiagLogLevel2[DiagLogLevel2["ERROR"] = 30] = "ERROR";
      DiagLogLevel2[DiagLogLevel2["WARN"] = 50] = "WARN";
      DiagLogLevel2[DiagLogLevel2["INFO"] = 60] = "INFO";
      DiagLogLevel2[DiagLogLevel2["DEBUG"] = 70] = "DEBUG";
      DiagLogLevel2[DiagLogLevel2["VERBOSE"] = 80] = "VERBOSE";
      DiagLogLevel2[DiagLogLevel2["ALL"] = 9999] = "ALL";
      return DiagLogLevel2;
    })({});
    exports2.DiagLogLevel = DiagLogLevel;
  }
});

// node_modules/@opentelemetry/api/dist/version.cjs
var require_version = __commonJS({
  "node_modules/@opentelemetry/api/dist/version.cjs"(exports2) {
    var VERSION = "1.10.0";
    exports2.VERSION = VERSION;
  }
});

// node_modules/@opentelemetry/api/dist/internal/semver.cjs
var require_semver = __commonJS({
  "node_modules/@opentelemetry/api/dist/internal/semver.cjs"(exports2) {
    var require_version3 = require_version();
    var re = /^(\d+)\.(\d+)\.(\d+)(-(.+))?$/;
    function _makeCompatibilityCheck(ownVersion) {
      const acceptedVersions = /* @__PURE__ */ new Set([ownVersion]);
      const rejectedVersions = /* @__PURE__ */ new Set();
      const myVersionMatch = ownVersion.match(re);
      if (!myVersionMatch) return () => false;
      const ownVersionParsed = {
        major: +myVersionMatch[1],
        minor: +myVersionMatch[2],
        patch: +myVersionMatch[3],
        prerelease: myVersionMatch[4]
      };
      if (ownVersionParsed.prerelease != null) return function isExactmatch(globalVersion) {
        return globalVersion === ownVersion;
      };
      function _reject(v) {
        rejectedVersions.add(v);
        return false;
      }
      function _accept(v) {
        acceptedVersions.add(v);
        return true;
      }
      return function isCompatible2(globalVersion) {
        if (acceptedVersions.has(globalVersion)) return true;
        if (rejectedVersions.has(globalVersion)) return false;
        const globalVersionMatch = globalVersion.match(re);
        if (!globalVersionMatch) return _reject(globalVersion);
        const globalVersionParsed = {
          major: +globalVersionMatch[1],
          minor: +globalVersionMatch[2],
          patch: +globalVersionMatch[3],
          prerelease: globalVersionMatch[4]
        };
        if (globalVersionParsed.prerelease != null) return _reject(globalVersion);
        if (ownVersionParsed.major !== globalVersionParsed.major) return _reject(globalVersion);
        if (ownVersionParsed.major === 0) {
          if (ownVersionParsed.minor === globalVersionParsed.minor && ownVersionParsed.patch <= globalVersionParsed.patch) return _accept(globalVersion);
          return _reject(globalVersion);
        }
        if (ownVersionParsed.minor <= globalVersionParsed.minor) return _accept(globalVersion);
        return _reject(globalVersion);
      };
    }
    var isCompatible = _makeCompatibilityCheck(require_version3.VERSION);
    exports2._makeCompatibilityCheck = _makeCompatibilityCheck;
    exports2.isCompatible = isCompatible;
  }
});

// node_modules/@opentelemetry/api/dist/internal/global-utils.cjs
var require_global_utils = __commonJS({
  "node_modules/@opentelemetry/api/dist/internal/global-utils.cjs"(exports2) {
    var require_version3 = require_version();
    var require_semver2 = require_semver();
    var major = require_version3.VERSION.split(".")[0];
    var GLOBAL_OPENTELEMETRY_API_KEY = /* @__PURE__ */ Symbol.for(`opentelemetry.js.api.${major}`);
    var _global = typeof globalThis === "object" ? globalThis : typeof self === "object" ? self : typeof window === "object" ? window : typeof global === "object" ? global : {};
    function _makeGlobalApi() {
      return Object.defineProperty({}, "version", {
        value: require_version3.VERSION,
        enumerable: true,
        writable: false,
        configurable: false
      });
    }
    function registerGlobal(type, instance, diag, allowOverride = false) {
      var _global$GLOBAL_OPENTE;
      const api = _global[GLOBAL_OPENTELEMETRY_API_KEY] = (_global$GLOBAL_OPENTE = _global[GLOBAL_OPENTELEMETRY_API_KEY]) !== null && _global$GLOBAL_OPENTE !== void 0 ? _global$GLOBAL_OPENTE : _makeGlobalApi();
      if (!allowOverride && api[type]) {
        const err = /* @__PURE__ */ new Error(`@opentelemetry/api: Attempted duplicate registration of API: ${type}`);
        diag.error(err.stack || err.message);
        return false;
      }
      if (api.version !== "1.10.0") {
        const err = /* @__PURE__ */ new Error(`@opentelemetry/api: Registration of version v${api.version} for ${type} does not match previously registered API v${require_version3.VERSION}`);
        diag.error(err.stack || err.message);
        return false;
      }
      api[type] = instance;
      diag.debug(`@opentelemetry/api: Registered a global for ${type} v${require_version3.VERSION}.`);
      return true;
    }
    var _compatibleGlobalApi;
    function getGlobal(type) {
      const api = _global[GLOBAL_OPENTELEMETRY_API_KEY];
      if (api == null) return;
      if (api !== _compatibleGlobalApi) {
        if (!api.version || !require_semver2.isCompatible(api.version)) return;
        _compatibleGlobalApi = api;
      }
      return api[type];
    }
    function unregisterGlobal(type, diag) {
      diag.debug(`@opentelemetry/api: Unregistering a global for ${type} v${require_version3.VERSION}.`);
      const api = _global[GLOBAL_OPENTELEMETRY_API_KEY];
      if (api) delete api[type];
    }
    exports2.getGlobal = getGlobal;
    exports2.registerGlobal = registerGlobal;
    exports2.unregisterGlobal = unregisterGlobal;
  }
});

// node_modules/@opentelemetry/api/dist/diag/ComponentLogger.cjs
var require_ComponentLogger = __commonJS({
  "node_modules/@opentelemetry/api/dist/diag/ComponentLogger.cjs"(exports2) {
    var require_global_utils2 = require_global_utils();
    var DiagComponentLogger = class {
      constructor(props) {
        this._namespace = props.namespace || "DiagComponentLogger";
      }
      debug(...args) {
        return logProxy("debug", this._namespace, args);
      }
      error(...args) {
        return logProxy("error", this._namespace, args);
      }
      info(...args) {
        return logProxy("info", this._namespace, args);
      }
      warn(...args) {
        return logProxy("warn", this._namespace, args);
      }
      verbose(...args) {
        return logProxy("verbose", this._namespace, args);
      }
    };
    function logProxy(funcName, namespace, args) {
      const logger = require_global_utils2.getGlobal("diag");
      if (!logger) return;
      return logger[funcName](namespace, ...args);
    }
    exports2.DiagComponentLogger = DiagComponentLogger;
  }
});

// node_modules/@opentelemetry/api/dist/diag/internal/logLevelLogger.cjs
var require_logLevelLogger = __commonJS({
  "node_modules/@opentelemetry/api/dist/diag/internal/logLevelLogger.cjs"(exports2) {
    require_types();
    function createLogLevelDiagLogger(maxLevel, logger) {
      if (maxLevel < 0) maxLevel = 0;
      else if (maxLevel > 9999) maxLevel = 9999;
      logger = logger || {};
      function _filterFunc(funcName, theLevel) {
        const theFunc = logger[funcName];
        if (typeof theFunc === "function" && maxLevel >= theLevel) return theFunc.bind(logger);
        return function() {
        };
      }
      return {
        error: _filterFunc("error", 30),
        warn: _filterFunc("warn", 50),
        info: _filterFunc("info", 60),
        debug: _filterFunc("debug", 70),
        verbose: _filterFunc("verbose", 80)
      };
    }
    exports2.createLogLevelDiagLogger = createLogLevelDiagLogger;
  }
});

// node_modules/@opentelemetry/api/dist/api/diag.cjs
var require_diag = __commonJS({
  "node_modules/@opentelemetry/api/dist/api/diag.cjs"(exports2) {
    var require_global_utils2 = require_global_utils();
    var require_ComponentLogger2 = require_ComponentLogger();
    require_types();
    var require_logLevelLogger2 = require_logLevelLogger();
    var API_NAME = "diag";
    var DiagAPI = class DiagAPI2 {
      /** Get the singleton instance of the DiagAPI API */
      static instance() {
        if (!this._instance) this._instance = new DiagAPI2();
        return this._instance;
      }
      /**
      * Private internal constructor
      * @private
      */
      constructor() {
        function _logProxy(funcName) {
          return function(...args) {
            const logger = require_global_utils2.getGlobal("diag");
            if (!logger) return;
            return logger[funcName](...args);
          };
        }
        const self2 = this;
        const setLogger = (logger, optionsOrLogLevel = { logLevel: 60 }) => {
          var _optionsOrLogLevel$lo;
          if (logger === self2) {
            var _err$stack;
            const err = /* @__PURE__ */ new Error("Cannot use diag as the logger for itself. Please use a DiagLogger implementation like ConsoleDiagLogger or a custom implementation");
            self2.error((_err$stack = err.stack) !== null && _err$stack !== void 0 ? _err$stack : err.message);
            return false;
          }
          if (typeof optionsOrLogLevel === "number") optionsOrLogLevel = { logLevel: optionsOrLogLevel };
          const oldLogger = require_global_utils2.getGlobal("diag");
          const newLogger = require_logLevelLogger2.createLogLevelDiagLogger((_optionsOrLogLevel$lo = optionsOrLogLevel.logLevel) !== null && _optionsOrLogLevel$lo !== void 0 ? _optionsOrLogLevel$lo : 60, logger);
          if (oldLogger && !optionsOrLogLevel.suppressOverrideMessage) {
            var _Error$stack;
            const stack = (_Error$stack = (/* @__PURE__ */ new Error()).stack) !== null && _Error$stack !== void 0 ? _Error$stack : "<failed to generate stacktrace>";
            oldLogger.warn(`Current logger will be overwritten from ${stack}`);
            newLogger.warn(`Current logger will overwrite one already registered from ${stack}`);
          }
          return require_global_utils2.registerGlobal("diag", newLogger, self2, true);
        };
        self2.setLogger = setLogger;
        self2.disable = () => {
          require_global_utils2.unregisterGlobal(API_NAME, self2);
        };
        self2.createComponentLogger = (options) => {
          return new require_ComponentLogger2.DiagComponentLogger(options);
        };
        self2.verbose = _logProxy("verbose");
        self2.debug = _logProxy("debug");
        self2.info = _logProxy("info");
        self2.warn = _logProxy("warn");
        self2.error = _logProxy("error");
      }
    };
    exports2.DiagAPI = DiagAPI;
  }
});

// node_modules/@opentelemetry/api/dist/baggage/internal/baggage-impl.cjs
var require_baggage_impl = __commonJS({
  "node_modules/@opentelemetry/api/dist/baggage/internal/baggage-impl.cjs"(exports2) {
    var BaggageImpl = class BaggageImpl2 {
      constructor(entries) {
        this._entries = entries ? new Map(entries) : /* @__PURE__ */ new Map();
      }
      getEntry(key) {
        const entry = this._entries.get(key);
        if (!entry) return;
        return Object.assign({}, entry);
      }
      getAllEntries() {
        return Array.from(this._entries.entries());
      }
      setEntry(key, entry) {
        const newBaggage = new BaggageImpl2(this._entries);
        newBaggage._entries.set(key, entry);
        return newBaggage;
      }
      removeEntry(key) {
        const newBaggage = new BaggageImpl2(this._entries);
        newBaggage._entries.delete(key);
        return newBaggage;
      }
      removeEntries(...keys) {
        const newBaggage = new BaggageImpl2(this._entries);
        for (const key of keys) newBaggage._entries.delete(key);
        return newBaggage;
      }
      clear() {
        return new BaggageImpl2();
      }
    };
    exports2.BaggageImpl = BaggageImpl;
  }
});

// node_modules/@opentelemetry/api/dist/baggage/internal/symbol.cjs
var require_symbol = __commonJS({
  "node_modules/@opentelemetry/api/dist/baggage/internal/symbol.cjs"(exports2) {
    var baggageEntryMetadataSymbol = /* @__PURE__ */ Symbol("BaggageEntryMetadata");
    exports2.baggageEntryMetadataSymbol = baggageEntryMetadataSymbol;
  }
});

// node_modules/@opentelemetry/api/dist/baggage/utils.cjs
var require_utils = __commonJS({
  "node_modules/@opentelemetry/api/dist/baggage/utils.cjs"(exports2) {
    var require_diag2 = require_diag();
    var require_baggage_impl2 = require_baggage_impl();
    var require_symbol2 = require_symbol();
    var diag = require_diag2.DiagAPI.instance();
    function createBaggage(entries = {}) {
      return new require_baggage_impl2.BaggageImpl(new Map(Object.entries(entries)));
    }
    function baggageEntryMetadataFromString(str) {
      if (typeof str !== "string") {
        diag.error(`Cannot create baggage metadata from unknown type: ${typeof str}`);
        str = "";
      }
      return {
        __TYPE__: require_symbol2.baggageEntryMetadataSymbol,
        toString() {
          return str;
        }
      };
    }
    exports2.baggageEntryMetadataFromString = baggageEntryMetadataFromString;
    exports2.createBaggage = createBaggage;
  }
});

// node_modules/@opentelemetry/api/dist/context/context.cjs
var require_context = __commonJS({
  "node_modules/@opentelemetry/api/dist/context/context.cjs"(exports2) {
    function createContextKey(description) {
      return Symbol.for(description);
    }
    var ROOT_CONTEXT = new class BaseContext {
      /**
      * Construct a new context which inherits values from an optional parent context.
      *
      * @param parentContext a context from which to inherit values
      */
      constructor(parentContext) {
        const self2 = this;
        self2._currentContext = parentContext ? new Map(parentContext) : /* @__PURE__ */ new Map();
        self2.getValue = (key) => self2._currentContext.get(key);
        self2.setValue = (key, value) => {
          const context = new BaseContext(self2._currentContext);
          context._currentContext.set(key, value);
          return context;
        };
        self2.deleteValue = (key) => {
          const context = new BaseContext(self2._currentContext);
          context._currentContext.delete(key);
          return context;
        };
      }
    }();
    exports2.ROOT_CONTEXT = ROOT_CONTEXT;
    exports2.createContextKey = createContextKey;
  }
});

// node_modules/@opentelemetry/api/dist/diag/consoleLogger.cjs
var require_consoleLogger = __commonJS({
  "node_modules/@opentelemetry/api/dist/diag/consoleLogger.cjs"(exports2) {
    var consoleMap = [
      {
        n: "error",
        c: "error"
      },
      {
        n: "warn",
        c: "warn"
      },
      {
        n: "info",
        c: "info"
      },
      {
        n: "debug",
        c: "debug"
      },
      {
        n: "verbose",
        c: "trace"
      }
    ];
    var _originalConsoleMethods = {};
    if (typeof console !== "undefined") {
      for (const key of [
        "error",
        "warn",
        "info",
        "debug",
        "trace",
        "log"
      ]) if (typeof console[key] === "function") _originalConsoleMethods[key] = console[key];
    }
    var DiagConsoleLogger = class {
      constructor() {
        function _consoleFunc(funcName) {
          return function(...args) {
            let theFunc = _originalConsoleMethods[funcName];
            if (typeof theFunc !== "function") theFunc = _originalConsoleMethods["log"];
            if (typeof theFunc !== "function" && console) {
              theFunc = console[funcName];
              if (typeof theFunc !== "function") theFunc = console.log;
            }
            if (typeof theFunc === "function") return theFunc.apply(console, args);
          };
        }
        for (let i = 0; i < consoleMap.length; i++) this[consoleMap[i].n] = _consoleFunc(consoleMap[i].c);
      }
    };
    exports2.DiagConsoleLogger = DiagConsoleLogger;
    exports2._originalConsoleMethods = _originalConsoleMethods;
  }
});

// node_modules/@opentelemetry/api/dist/metrics/NoopMeter.cjs
var require_NoopMeter = __commonJS({
  "node_modules/@opentelemetry/api/dist/metrics/NoopMeter.cjs"(exports2) {
    var NoopMeter = class {
      constructor() {
      }
      /**
      * @see {@link Meter.createGauge}
      */
      createGauge(_name, _options) {
        return NOOP_GAUGE_METRIC;
      }
      /**
      * @see {@link Meter.createHistogram}
      */
      createHistogram(_name, _options) {
        return NOOP_HISTOGRAM_METRIC;
      }
      /**
      * @see {@link Meter.createCounter}
      */
      createCounter(_name, _options) {
        return NOOP_COUNTER_METRIC;
      }
      /**
      * @see {@link Meter.createUpDownCounter}
      */
      createUpDownCounter(_name, _options) {
        return NOOP_UP_DOWN_COUNTER_METRIC;
      }
      /**
      * @see {@link Meter.createObservableGauge}
      */
      createObservableGauge(_name, _options) {
        return NOOP_OBSERVABLE_GAUGE_METRIC;
      }
      /**
      * @see {@link Meter.createObservableCounter}
      */
      createObservableCounter(_name, _options) {
        return NOOP_OBSERVABLE_COUNTER_METRIC;
      }
      /**
      * @see {@link Meter.createObservableUpDownCounter}
      */
      createObservableUpDownCounter(_name, _options) {
        return NOOP_OBSERVABLE_UP_DOWN_COUNTER_METRIC;
      }
      /**
      * @see {@link Meter.addBatchObservableCallback}
      */
      addBatchObservableCallback(_callback, _observables) {
      }
      /**
      * @see {@link Meter.removeBatchObservableCallback}
      */
      removeBatchObservableCallback(_callback) {
      }
    };
    var NoopMetric = class {
    };
    var NoopCounterMetric = class extends NoopMetric {
      add(_value, _attributes) {
      }
    };
    var NoopUpDownCounterMetric = class extends NoopMetric {
      add(_value, _attributes) {
      }
    };
    var NoopGaugeMetric = class extends NoopMetric {
      record(_value, _attributes) {
      }
    };
    var NoopHistogramMetric = class extends NoopMetric {
      record(_value, _attributes) {
      }
    };
    var NoopObservableMetric = class {
      addCallback(_callback) {
      }
      removeCallback(_callback) {
      }
    };
    var NoopObservableCounterMetric = class extends NoopObservableMetric {
    };
    var NoopObservableGaugeMetric = class extends NoopObservableMetric {
    };
    var NoopObservableUpDownCounterMetric = class extends NoopObservableMetric {
    };
    var NOOP_METER = new NoopMeter();
    var NOOP_COUNTER_METRIC = new NoopCounterMetric();
    var NOOP_GAUGE_METRIC = new NoopGaugeMetric();
    var NOOP_HISTOGRAM_METRIC = new NoopHistogramMetric();
    var NOOP_UP_DOWN_COUNTER_METRIC = new NoopUpDownCounterMetric();
    var NOOP_OBSERVABLE_COUNTER_METRIC = new NoopObservableCounterMetric();
    var NOOP_OBSERVABLE_GAUGE_METRIC = new NoopObservableGaugeMetric();
    var NOOP_OBSERVABLE_UP_DOWN_COUNTER_METRIC = new NoopObservableUpDownCounterMetric();
    function createNoopMeter() {
      return NOOP_METER;
    }
    exports2.NOOP_COUNTER_METRIC = NOOP_COUNTER_METRIC;
    exports2.NOOP_GAUGE_METRIC = NOOP_GAUGE_METRIC;
    exports2.NOOP_HISTOGRAM_METRIC = NOOP_HISTOGRAM_METRIC;
    exports2.NOOP_METER = NOOP_METER;
    exports2.NOOP_OBSERVABLE_COUNTER_METRIC = NOOP_OBSERVABLE_COUNTER_METRIC;
    exports2.NOOP_OBSERVABLE_GAUGE_METRIC = NOOP_OBSERVABLE_GAUGE_METRIC;
    exports2.NOOP_OBSERVABLE_UP_DOWN_COUNTER_METRIC = NOOP_OBSERVABLE_UP_DOWN_COUNTER_METRIC;
    exports2.NOOP_UP_DOWN_COUNTER_METRIC = NOOP_UP_DOWN_COUNTER_METRIC;
    exports2.NoopCounterMetric = NoopCounterMetric;
    exports2.NoopGaugeMetric = NoopGaugeMetric;
    exports2.NoopHistogramMetric = NoopHistogramMetric;
    exports2.NoopMeter = NoopMeter;
    exports2.NoopMetric = NoopMetric;
    exports2.NoopObservableCounterMetric = NoopObservableCounterMetric;
    exports2.NoopObservableGaugeMetric = NoopObservableGaugeMetric;
    exports2.NoopObservableMetric = NoopObservableMetric;
    exports2.NoopObservableUpDownCounterMetric = NoopObservableUpDownCounterMetric;
    exports2.NoopUpDownCounterMetric = NoopUpDownCounterMetric;
    exports2.createNoopMeter = createNoopMeter;
  }
});

// node_modules/@opentelemetry/api/dist/metrics/Metric.cjs
var require_Metric = __commonJS({
  "node_modules/@opentelemetry/api/dist/metrics/Metric.cjs"(exports2) {
    var ValueType = /* @__PURE__ */ (function(ValueType2) {
      ValueType2[ValueType2["INT"] = 0] = "INT";
      ValueType2[ValueType2["DOUBLE"] = 1] = "DOUBLE";
      return ValueType2;
    })({});
    exports2.ValueType = ValueType;
  }
});

// node_modules/@opentelemetry/api/dist/logs/NoopLogger.cjs
var require_NoopLogger = __commonJS({
  "node_modules/@opentelemetry/api/dist/logs/NoopLogger.cjs"(exports2) {
    var NoopLogger = class {
      emit(_logRecord) {
      }
      enabled() {
        return false;
      }
    };
    var NOOP_LOGGER = new NoopLogger();
    function createNoopLogger() {
      return NOOP_LOGGER;
    }
    exports2.NOOP_LOGGER = NOOP_LOGGER;
    exports2.NoopLogger = NoopLogger;
    exports2.createNoopLogger = createNoopLogger;
  }
});

// node_modules/@opentelemetry/api/dist/logs/LogRecord.cjs
var require_LogRecord = __commonJS({
  "node_modules/@opentelemetry/api/dist/logs/LogRecord.cjs"(exports2) {
    var SeverityNumber = /* @__PURE__ */ (function(SeverityNumber2) {
      SeverityNumber2[SeverityNumber2["UNSPECIFIED"] = 0] = "UNSPECIFIED";
      SeverityNumber2[SeverityNumber2["TRACE"] = 1] = "TRACE";
      SeverityNumber2[SeverityNumber2["TRACE2"] = 2] = "TRACE2";
      SeverityNumber2[SeverityNumber2["TRACE3"] = 3] = "TRACE3";
      SeverityNumber2[SeverityNumber2["TRACE4"] = 4] = "TRACE4";
      SeverityNumber2[SeverityNumber2["DEBUG"] = 5] = "DEBUG";
      SeverityNumber2[SeverityNumber2["DEBUG2"] = 6] = "DEBUG2";
      SeverityNumber2[SeverityNumber2["DEBUG3"] = 7] = "DEBUG3";
      SeverityNumber2[SeverityNumber2["DEBUG4"] = 8] = "DEBUG4";
      SeverityNumber2[SeverityNumber2["INFO"] = 9] = "INFO";
      SeverityNumber2[SeverityNumber2["INFO2"] = 10] = "INFO2";
      SeverityNumber2[SeverityNumber2["INFO3"] = 11] = "INFO3";
      SeverityNumber2[SeverityNumber2["INFO4"] = 12] = "INFO4";
      SeverityNumber2[SeverityNumber2["WARN"] = 13] = "WARN";
      SeverityNumber2[SeverityNumber2["WARN2"] = 14] = "WARN2";
      SeverityNumber2[SeverityNumber2["WARN3"] = 15] = "WARN3";
      SeverityNumber2[SeverityNumber2["WARN4"] = 16] = "WARN4";
      SeverityNumber2[SeverityNumber2["ERROR"] = 17] = "ERROR";
      SeverityNumber2[SeverityNumber2["ERROR2"] = 18] = "ERROR2";
      SeverityNumber2[SeverityNumber2["ERROR3"] = 19] = "ERROR3";
      SeverityNumber2[SeverityNumber2["ERROR4"] = 20] = "ERROR4";
      SeverityNumber2[SeverityNumber2["FATAL"] = 21] = "FATAL";
      SeverityNumber2[SeverityNumber2["FATAL2"] = 22] = "FATAL2";
      SeverityNumber2[SeverityNumber2["FATAL3"] = 23] = "FATAL3";
      SeverityNumber2[SeverityNumber2["FATAL4"] = 24] = "FATAL4";
      return SeverityNumber2;
    })({});
    exports2.SeverityNumber = SeverityNumber;
  }
});

// node_modules/@opentelemetry/api/dist/propagation/TextMapPropagator.cjs
var require_TextMapPropagator = __commonJS({
  "node_modules/@opentelemetry/api/dist/propagation/TextMapPropagator.cjs"(exports2) {
    var defaultTextMapGetter = {
      get(carrier, key) {
        if (carrier == null) return;
        return carrier[key];
      },
      keys(carrier) {
        if (carrier == null) return [];
        return Object.keys(carrier);
      }
    };
    var defaultTextMapSetter = { set(carrier, key, value) {
      if (carrier == null) return;
      carrier[key] = value;
    } };
    exports2.defaultTextMapGetter = defaultTextMapGetter;
    exports2.defaultTextMapSetter = defaultTextMapSetter;
  }
});

// node_modules/@opentelemetry/api/dist/trace/trace_flags.cjs
var require_trace_flags = __commonJS({
  "node_modules/@opentelemetry/api/dist/trace/trace_flags.cjs"(exports2) {
    var TraceFlags = /* @__PURE__ */ (function(TraceFlags2) {
      TraceFlags2[TraceFlags2["NONE"] = 0] = "NONE";
      TraceFlags2[TraceFlags2["SAMPLED"] = 1] = "SAMPLED";
      return TraceFlags2;
    })({});
    exports2.TraceFlags = TraceFlags;
  }
});

// node_modules/@opentelemetry/api/dist/trace/invalid-span-constants.cjs
var require_invalid_span_constants = __commonJS({
  "node_modules/@opentelemetry/api/dist/trace/invalid-span-constants.cjs"(exports2) {
    require_trace_flags();
    var INVALID_SPANID = "0000000000000000";
    var INVALID_TRACEID = "00000000000000000000000000000000";
    var INVALID_SPAN_CONTEXT = {
      traceId: INVALID_TRACEID,
      spanId: INVALID_SPANID,
      traceFlags: 0
    };
    exports2.INVALID_SPANID = INVALID_SPANID;
    exports2.INVALID_SPAN_CONTEXT = INVALID_SPAN_CONTEXT;
    exports2.INVALID_TRACEID = INVALID_TRACEID;
  }
});

// node_modules/@opentelemetry/api/dist/trace/NonRecordingSpan.cjs
var require_NonRecordingSpan = __commonJS({
  "node_modules/@opentelemetry/api/dist/trace/NonRecordingSpan.cjs"(exports2) {
    var require_invalid_span_constants2 = require_invalid_span_constants();
    var NonRecordingSpan = class {
      constructor(spanContext = require_invalid_span_constants2.INVALID_SPAN_CONTEXT) {
        this._spanContext = spanContext;
      }
      spanContext() {
        return this._spanContext;
      }
      setAttribute(_key, _value) {
        return this;
      }
      setAttributes(_attributes) {
        return this;
      }
      addEvent(_name, _attributes) {
        return this;
      }
      addLink(_link) {
        return this;
      }
      addLinks(_links) {
        return this;
      }
      setStatus(_status) {
        return this;
      }
      updateName(_name) {
        return this;
      }
      end(_endTime) {
      }
      isRecording() {
        return false;
      }
      recordException(_exception, _time) {
      }
    };
    exports2.NonRecordingSpan = NonRecordingSpan;
  }
});

// node_modules/@opentelemetry/api/dist/trace/spancontext-utils.cjs
var require_spancontext_utils = __commonJS({
  "node_modules/@opentelemetry/api/dist/trace/spancontext-utils.cjs"(exports2) {
    require_invalid_span_constants();
    var require_NonRecordingSpan2 = require_NonRecordingSpan();
    var isHex = new Uint8Array([
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      1,
      1
    ]);
    function isValidHex(id, length) {
      if (typeof id !== "string" || id.length !== length) return false;
      let r = 0;
      for (let i = 0; i < id.length; i += 4) r += (isHex[id.charCodeAt(i)] | 0) + (isHex[id.charCodeAt(i + 1)] | 0) + (isHex[id.charCodeAt(i + 2)] | 0) + (isHex[id.charCodeAt(i + 3)] | 0);
      return r === length;
    }
    function isValidTraceId(traceId) {
      return isValidHex(traceId, 32) && traceId !== "00000000000000000000000000000000";
    }
    function isValidSpanId(spanId) {
      return isValidHex(spanId, 16) && spanId !== "0000000000000000";
    }
    function isSpanContextValid(spanContext) {
      return isValidTraceId(spanContext.traceId) && isValidSpanId(spanContext.spanId);
    }
    function wrapSpanContext(spanContext) {
      return new require_NonRecordingSpan2.NonRecordingSpan(spanContext);
    }
    exports2.isSpanContextValid = isSpanContextValid;
    exports2.isValidSpanId = isValidSpanId;
    exports2.isValidTraceId = isValidTraceId;
    exports2.wrapSpanContext = wrapSpanContext;
  }
});

// node_modules/@opentelemetry/api/dist/context/NoopContextManager.cjs
var require_NoopContextManager = __commonJS({
  "node_modules/@opentelemetry/api/dist/context/NoopContextManager.cjs"(exports2) {
    var require_context3 = require_context();
    var NoopContextManager = class {
      active() {
        return require_context3.ROOT_CONTEXT;
      }
      with(_context, fn, thisArg, ...args) {
        return fn.call(thisArg, ...args);
      }
      bind(_context, target) {
        return target;
      }
      enable() {
        return this;
      }
      disable() {
        return this;
      }
      /** @experimental This API is experimental and may change in minor releases without prior notice. */
      attach(_context) {
        return { dispose() {
        } };
      }
    };
    exports2.NoopContextManager = NoopContextManager;
  }
});

// node_modules/@opentelemetry/api/dist/api/context.cjs
var require_context2 = __commonJS({
  "node_modules/@opentelemetry/api/dist/api/context.cjs"(exports2) {
    var require_global_utils2 = require_global_utils();
    var require_diag2 = require_diag();
    var require_NoopContextManager2 = require_NoopContextManager();
    var API_NAME = "context";
    var NOOP_CONTEXT_MANAGER = new require_NoopContextManager2.NoopContextManager();
    var NOOP_TOKEN = Object.freeze({ dispose: () => {
    } });
    var ContextAPI = class ContextAPI2 {
      /** Empty private constructor prevents end users from constructing a new instance of the API */
      constructor() {
        this._attachUnsupportedWarned = false;
      }
      /** Get the singleton instance of the Context API */
      static getInstance() {
        if (!this._instance) this._instance = new ContextAPI2();
        return this._instance;
      }
      /**
      * Set the current context manager.
      *
      * @returns true if the context manager was successfully registered, else false
      */
      setGlobalContextManager(contextManager) {
        return require_global_utils2.registerGlobal(API_NAME, contextManager, require_diag2.DiagAPI.instance());
      }
      /**
      * Get the currently active context
      */
      active() {
        return this._getContextManager().active();
      }
      /**
      * Execute a function with an active context
      *
      * @param context context to be active during function execution
      * @param fn function to execute in a context
      * @param thisArg optional receiver to be used for calling fn
      * @param args optional arguments forwarded to fn
      */
      with(context, fn, thisArg, ...args) {
        return this._getContextManager().with(context, fn, thisArg, ...args);
      }
      /**
      * Bind a context to a target function or event emitter
      *
      * @param context context to bind to the event emitter or function. Defaults to the currently active context
      * @param target function or event emitter to bind
      */
      bind(context, target) {
        return this._getContextManager().bind(context, target);
      }
      /**
      * Imperatively sets `context` as active, returning a {@link ContextManagementToken} whose
      * {@link ContextManagementToken.dispose} restores the previous context.
      *
      * This is a delicate, low-level API - prefer {@link with}/{@link bind}, which
      * restore context automatically. Use `attach` only to bridge callback
      * boundaries that `with` cannot wrap. Call `token.dispose()` when the
      * operation is done.
      *
      * **Caveat for async functions:** If called inside an async function before
      * the first `await`, the context change may leak into the caller's context
      * and remain active there. Prefer {@link with} for async code.
      *
      * Support is best-effort and varies by the active ContextManager (see
      * {@link ContextManager.attach}); if it does not implement `attach`, this logs
      * a warning and returns a no-op token.
      *
      * @param context The Context to attach
      * @returns A {@link ContextManagementToken} whose dispose() restores the previous Context
      * @since 1.10.0
      * @experimental This API is experimental and may change in minor releases without prior notice.
      */
      attach(context) {
        const contextManager = this._getContextManager();
        if (contextManager.attach) return contextManager.attach(context);
        if (!this._attachUnsupportedWarned) {
          this._attachUnsupportedWarned = true;
          require_diag2.DiagAPI.instance().warn("The current ContextManager does not implement attach(). The context will not be attached. Use a ContextManager that supports attach() (e.g. AsyncLocalStorageContextManager) or use with()/bind() instead.");
        }
        return NOOP_TOKEN;
      }
      _getContextManager() {
        return require_global_utils2.getGlobal(API_NAME) || NOOP_CONTEXT_MANAGER;
      }
      /** Disable and remove the global context manager */
      disable() {
        this._getContextManager().disable();
        require_global_utils2.unregisterGlobal(API_NAME, require_diag2.DiagAPI.instance());
      }
    };
    exports2.ContextAPI = ContextAPI;
  }
});

// node_modules/@opentelemetry/api/dist/trace/context-utils.cjs
var require_context_utils = __commonJS({
  "node_modules/@opentelemetry/api/dist/trace/context-utils.cjs"(exports2) {
    var require_context3 = require_context();
    var require_context$1 = require_context2();
    var require_NonRecordingSpan2 = require_NonRecordingSpan();
    var SPAN_KEY = require_context3.createContextKey("OpenTelemetry Context Key SPAN");
    function getSpan(context) {
      return context.getValue(SPAN_KEY) || void 0;
    }
    function getActiveSpan() {
      return getSpan(require_context$1.ContextAPI.getInstance().active());
    }
    function setSpan(context, span) {
      return context.setValue(SPAN_KEY, span);
    }
    function deleteSpan(context) {
      return context.deleteValue(SPAN_KEY);
    }
    function setSpanContext(context, spanContext) {
      return setSpan(context, new require_NonRecordingSpan2.NonRecordingSpan(spanContext));
    }
    function getSpanContext(context) {
      var _getSpan;
      return (_getSpan = getSpan(context)) === null || _getSpan === void 0 ? void 0 : _getSpan.spanContext();
    }
    exports2.deleteSpan = deleteSpan;
    exports2.getActiveSpan = getActiveSpan;
    exports2.getSpan = getSpan;
    exports2.getSpanContext = getSpanContext;
    exports2.setSpan = setSpan;
    exports2.setSpanContext = setSpanContext;
  }
});

// node_modules/@opentelemetry/api/dist/trace/NoopTracer.cjs
var require_NoopTracer = __commonJS({
  "node_modules/@opentelemetry/api/dist/trace/NoopTracer.cjs"(exports2) {
    var require_context3 = require_context2();
    var require_NonRecordingSpan2 = require_NonRecordingSpan();
    var require_context_utils2 = require_context_utils();
    var require_spancontext_utils2 = require_spancontext_utils();
    var contextApi = require_context3.ContextAPI.getInstance();
    var NoopTracer = class {
      startSpan(name, options, context = contextApi.active()) {
        if (Boolean(options === null || options === void 0 ? void 0 : options.root)) return new require_NonRecordingSpan2.NonRecordingSpan();
        const parentFromContext = context && require_context_utils2.getSpanContext(context);
        if (isSpanContext(parentFromContext) && require_spancontext_utils2.isSpanContextValid(parentFromContext)) return new require_NonRecordingSpan2.NonRecordingSpan(parentFromContext);
        else return new require_NonRecordingSpan2.NonRecordingSpan();
      }
      startActiveSpan(name, arg2, arg3, arg4) {
        var _ctx;
        let opts;
        let ctx;
        let fn;
        if (arguments.length < 2) return;
        else if (arguments.length === 2) fn = arg2;
        else if (arguments.length === 3) {
          opts = arg2;
          fn = arg3;
        } else {
          opts = arg2;
          ctx = arg3;
          fn = arg4;
        }
        const parentContext = (_ctx = ctx) !== null && _ctx !== void 0 ? _ctx : contextApi.active();
        const span = this.startSpan(name, opts, parentContext);
        const contextWithSpanSet = require_context_utils2.setSpan(parentContext, span);
        return contextApi.with(contextWithSpanSet, fn, void 0, span);
      }
    };
    function isSpanContext(spanContext) {
      return spanContext !== null && typeof spanContext === "object" && "spanId" in spanContext && typeof spanContext["spanId"] === "string" && "traceId" in spanContext && typeof spanContext["traceId"] === "string" && "traceFlags" in spanContext && typeof spanContext["traceFlags"] === "number";
    }
    exports2.NoopTracer = NoopTracer;
  }
});

// node_modules/@opentelemetry/api/dist/trace/ProxyTracer.cjs
var require_ProxyTracer = __commonJS({
  "node_modules/@opentelemetry/api/dist/trace/ProxyTracer.cjs"(exports2) {
    var NOOP_TRACER = new (require_NoopTracer()).NoopTracer();
    var ProxyTracer = class {
      constructor(provider, name, version, options) {
        this._provider = provider;
        this.name = name;
        this.version = version;
        this.options = options;
      }
      startSpan(name, options, context) {
        return this._getTracer().startSpan(name, options, context);
      }
      startActiveSpan(_name, _options, _context, _fn) {
        const tracer = this._getTracer();
        return Reflect.apply(tracer.startActiveSpan, tracer, arguments);
      }
      /**
      * Try to get a tracer from the proxy tracer provider.
      * If the proxy tracer provider has no delegate, return a noop tracer.
      */
      _getTracer() {
        if (this._delegate) return this._delegate;
        const tracer = this._provider.getDelegateTracer(this.name, this.version, this.options);
        if (!tracer) return NOOP_TRACER;
        this._delegate = tracer;
        return this._delegate;
      }
    };
    exports2.ProxyTracer = ProxyTracer;
  }
});

// node_modules/@opentelemetry/api/dist/trace/span_kind.cjs
var require_span_kind = __commonJS({
  "node_modules/@opentelemetry/api/dist/trace/span_kind.cjs"(exports2) {
    var SpanKind = /* @__PURE__ */ (function(SpanKind2) {
      SpanKind2[SpanKind2["INTERNAL"] = 0] = "INTERNAL";
      SpanKind2[SpanKind2["SERVER"] = 1] = "SERVER";
      SpanKind2[SpanKind2["CLIENT"] = 2] = "CLIENT";
      SpanKind2[SpanKind2["PRODUCER"] = 3] = "PRODUCER";
      SpanKind2[SpanKind2["CONSUMER"] = 4] = "CONSUMER";
      return SpanKind2;
    })({});
    exports2.SpanKind = SpanKind;
  }
});

// node_modules/@opentelemetry/api/dist/trace/status.cjs
var require_status = __commonJS({
  "node_modules/@opentelemetry/api/dist/trace/status.cjs"(exports2) {
    var SpanStatusCode = /* @__PURE__ */ (function(SpanStatusCode2) {
      SpanStatusCode2[SpanStatusCode2["UNSET"] = 0] = "UNSET";
      SpanStatusCode2[SpanStatusCode2["OK"] = 1] = "OK";
      SpanStatusCode2[SpanStatusCode2["ERROR"] = 2] = "ERROR";
      return SpanStatusCode2;
    })({});
    exports2.SpanStatusCode = SpanStatusCode;
  }
});

// node_modules/@opentelemetry/api/dist/trace/internal/tracestate-validators.cjs
var require_tracestate_validators = __commonJS({
  "node_modules/@opentelemetry/api/dist/trace/internal/tracestate-validators.cjs"(exports2) {
    var VALID_KEY_CHAR_RANGE = "[_0-9a-z-*/]";
    var VALID_KEY_REGEX = new RegExp(`^(?:${`[a-z]${VALID_KEY_CHAR_RANGE}{0,255}`}|${`[a-z0-9]${VALID_KEY_CHAR_RANGE}{0,240}@[a-z]${VALID_KEY_CHAR_RANGE}{0,13}`})$`);
    var VALID_VALUE_BASE_REGEX = /^[ -~]{0,255}[!-~]$/;
    var INVALID_VALUE_COMMA_EQUAL_REGEX = /,|=/;
    function validateKey(key) {
      return VALID_KEY_REGEX.test(key);
    }
    function validateValue(value) {
      return VALID_VALUE_BASE_REGEX.test(value) && !INVALID_VALUE_COMMA_EQUAL_REGEX.test(value);
    }
    exports2.validateKey = validateKey;
    exports2.validateValue = validateValue;
  }
});

// node_modules/@opentelemetry/api/dist/trace/internal/tracestate-impl.cjs
var require_tracestate_impl = __commonJS({
  "node_modules/@opentelemetry/api/dist/trace/internal/tracestate-impl.cjs"(exports2) {
    var require_tracestate_validators2 = require_tracestate_validators();
    var MAX_TRACE_STATE_ITEMS = 32;
    var MAX_TRACE_STATE_LEN = 512;
    var LIST_MEMBERS_SEPARATOR = ",";
    var LIST_MEMBER_KEY_VALUE_SPLITTER = "=";
    var TraceStateImpl = class TraceStateImpl2 {
      constructor(rawTraceState) {
        this._internalState = /* @__PURE__ */ new Map();
        if (rawTraceState) this._parse(rawTraceState);
      }
      set(key, value) {
        const currValue = this._internalState.get(key);
        let newLength = this.serialize().length;
        if (typeof currValue === "string") newLength += value.length - currValue.length;
        else {
          if (this._internalState.size >= MAX_TRACE_STATE_ITEMS) return this;
          newLength += key.length + value.length + (this._internalState.size > 0 ? 2 : 1);
        }
        if (newLength > MAX_TRACE_STATE_LEN) return this;
        const traceState = this._clone();
        if (traceState._internalState.has(key)) traceState._internalState.delete(key);
        traceState._internalState.set(key, value);
        return traceState;
      }
      unset(key) {
        const traceState = this._clone();
        traceState._internalState.delete(key);
        return traceState;
      }
      get(key) {
        return this._internalState.get(key);
      }
      serialize() {
        return Array.from(this._internalState.keys()).reduceRight((agg, key) => {
          agg.push(key + LIST_MEMBER_KEY_VALUE_SPLITTER + this.get(key));
          return agg;
        }, []).join(LIST_MEMBERS_SEPARATOR);
      }
      _parse(rawTraceState) {
        if (rawTraceState.length > MAX_TRACE_STATE_LEN) return;
        this._internalState = rawTraceState.split(LIST_MEMBERS_SEPARATOR).reduceRight((agg, part) => {
          const listMember = part.trim();
          const i = listMember.indexOf(LIST_MEMBER_KEY_VALUE_SPLITTER);
          if (i !== -1) {
            const key = listMember.slice(0, i);
            const value = listMember.slice(i + 1, part.length);
            if (require_tracestate_validators2.validateKey(key) && require_tracestate_validators2.validateValue(value)) agg.set(key, value);
          }
          return agg;
        }, /* @__PURE__ */ new Map());
        if (this._internalState.size > MAX_TRACE_STATE_ITEMS) this._internalState = new Map(Array.from(this._internalState.entries()).reverse().slice(0, MAX_TRACE_STATE_ITEMS));
      }
      _keys() {
        return Array.from(this._internalState.keys()).reverse();
      }
      _clone() {
        const traceState = new TraceStateImpl2();
        traceState._internalState = new Map(this._internalState);
        return traceState;
      }
    };
    exports2.TraceStateImpl = TraceStateImpl;
  }
});

// node_modules/@opentelemetry/api/dist/trace/internal/utils.cjs
var require_utils2 = __commonJS({
  "node_modules/@opentelemetry/api/dist/trace/internal/utils.cjs"(exports2) {
    var require_tracestate_impl2 = require_tracestate_impl();
    function createTraceState(rawTraceState) {
      return new require_tracestate_impl2.TraceStateImpl(rawTraceState);
    }
    exports2.createTraceState = createTraceState;
  }
});

// node_modules/@opentelemetry/api/dist/trace/NoopTracerProvider.cjs
var require_NoopTracerProvider = __commonJS({
  "node_modules/@opentelemetry/api/dist/trace/NoopTracerProvider.cjs"(exports2) {
    var require_NoopTracer2 = require_NoopTracer();
    var NoopTracerProvider = class {
      getTracer(_name, _version, _options) {
        return new require_NoopTracer2.NoopTracer();
      }
    };
    exports2.NoopTracerProvider = NoopTracerProvider;
  }
});

// node_modules/@opentelemetry/api/dist/trace/ProxyTracerProvider.cjs
var require_ProxyTracerProvider = __commonJS({
  "node_modules/@opentelemetry/api/dist/trace/ProxyTracerProvider.cjs"(exports2) {
    var require_ProxyTracer2 = require_ProxyTracer();
    var NOOP_TRACER_PROVIDER = new (require_NoopTracerProvider()).NoopTracerProvider();
    var ProxyTracerProvider = class {
      /**
      * Get a {@link ProxyTracer}
      */
      getTracer(name, version, options) {
        var _this$getDelegateTrac;
        return (_this$getDelegateTrac = this.getDelegateTracer(name, version, options)) !== null && _this$getDelegateTrac !== void 0 ? _this$getDelegateTrac : new require_ProxyTracer2.ProxyTracer(this, name, version, options);
      }
      getDelegate() {
        var _this$_delegate;
        return (_this$_delegate = this._delegate) !== null && _this$_delegate !== void 0 ? _this$_delegate : NOOP_TRACER_PROVIDER;
      }
      /**
      * Set the delegate tracer provider
      */
      setDelegate(delegate) {
        this._delegate = delegate;
      }
      getDelegateTracer(name, version, options) {
        var _this$_delegate2;
        return (_this$_delegate2 = this._delegate) === null || _this$_delegate2 === void 0 ? void 0 : _this$_delegate2.getTracer(name, version, options);
      }
    };
    exports2.ProxyTracerProvider = ProxyTracerProvider;
  }
});

// node_modules/@opentelemetry/api/dist/trace/SamplingResult.cjs
var require_SamplingResult = __commonJS({
  "node_modules/@opentelemetry/api/dist/trace/SamplingResult.cjs"(exports2) {
    var SamplingDecision = /* @__PURE__ */ (function(SamplingDecision2) {
      SamplingDecision2[SamplingDecision2["NOT_RECORD"] = 0] = "NOT_RECORD";
      SamplingDecision2[SamplingDecision2["RECORD"] = 1] = "RECORD";
      SamplingDecision2[SamplingDecision2["RECORD_AND_SAMPLED"] = 2] = "RECORD_AND_SAMPLED";
      return SamplingDecision2;
    })({});
    exports2.SamplingDecision = SamplingDecision;
  }
});

// node_modules/@opentelemetry/api/dist/context-api.cjs
var require_context_api = __commonJS({
  "node_modules/@opentelemetry/api/dist/context-api.cjs"(exports2) {
    var context = require_context2().ContextAPI.getInstance();
    exports2.context = context;
  }
});

// node_modules/@opentelemetry/api/dist/diag-api.cjs
var require_diag_api = __commonJS({
  "node_modules/@opentelemetry/api/dist/diag-api.cjs"(exports2) {
    var diag = require_diag().DiagAPI.instance();
    exports2.diag = diag;
  }
});

// node_modules/@opentelemetry/api/dist/logs/NoopLoggerProvider.cjs
var require_NoopLoggerProvider = __commonJS({
  "node_modules/@opentelemetry/api/dist/logs/NoopLoggerProvider.cjs"(exports2) {
    var require_NoopLogger2 = require_NoopLogger();
    var NoopLoggerProvider = class {
      getLogger(_name, _version, _options) {
        return new require_NoopLogger2.NoopLogger();
      }
    };
    var NOOP_LOGGER_PROVIDER = new NoopLoggerProvider();
    exports2.NOOP_LOGGER_PROVIDER = NOOP_LOGGER_PROVIDER;
    exports2.NoopLoggerProvider = NoopLoggerProvider;
  }
});

// node_modules/@opentelemetry/api/dist/logs/ProxyLogger.cjs
var require_ProxyLogger = __commonJS({
  "node_modules/@opentelemetry/api/dist/logs/ProxyLogger.cjs"(exports2) {
    var require_NoopLogger2 = require_NoopLogger();
    var ProxyLogger = class {
      constructor(provider, name, version, options) {
        this._provider = provider;
        this.name = name;
        this.version = version;
        this.options = options;
      }
      /**
      * Emit a log record. This method should only be used by log appenders.
      *
      * @param logRecord
      */
      emit(logRecord) {
        this._getLogger().emit(logRecord);
      }
      enabled(options) {
        return this._getLogger().enabled(options);
      }
      /**
      * Try to get a logger from the proxy logger provider.
      * If the proxy logger provider has no delegate, return a noop logger.
      */
      _getLogger() {
        if (this._delegate) return this._delegate;
        const logger = this._provider._getDelegateLogger(this.name, this.version, this.options);
        if (!logger) return require_NoopLogger2.NOOP_LOGGER;
        this._delegate = logger;
        return this._delegate;
      }
    };
    exports2.ProxyLogger = ProxyLogger;
  }
});

// node_modules/@opentelemetry/api/dist/logs/ProxyLoggerProvider.cjs
var require_ProxyLoggerProvider = __commonJS({
  "node_modules/@opentelemetry/api/dist/logs/ProxyLoggerProvider.cjs"(exports2) {
    var require_NoopLoggerProvider2 = require_NoopLoggerProvider();
    var require_ProxyLogger2 = require_ProxyLogger();
    var ProxyLoggerProvider = class {
      getLogger(name, version, options) {
        var _this$_getDelegateLog;
        return (_this$_getDelegateLog = this._getDelegateLogger(name, version, options)) !== null && _this$_getDelegateLog !== void 0 ? _this$_getDelegateLog : new require_ProxyLogger2.ProxyLogger(this, name, version, options);
      }
      /**
      * Get the delegate logger provider.
      * Used by tests only.
      * @internal
      */
      _getDelegate() {
        var _this$_delegate;
        return (_this$_delegate = this._delegate) !== null && _this$_delegate !== void 0 ? _this$_delegate : require_NoopLoggerProvider2.NOOP_LOGGER_PROVIDER;
      }
      /**
      * Set the delegate logger provider
      * @internal
      */
      _setDelegate(delegate) {
        this._delegate = delegate;
      }
      /**
      * @internal
      */
      _getDelegateLogger(name, version, options) {
        var _this$_delegate2;
        return (_this$_delegate2 = this._delegate) === null || _this$_delegate2 === void 0 ? void 0 : _this$_delegate2.getLogger(name, version, options);
      }
    };
    exports2.ProxyLoggerProvider = ProxyLoggerProvider;
  }
});

// node_modules/@opentelemetry/api/dist/api/logs.cjs
var require_logs = __commonJS({
  "node_modules/@opentelemetry/api/dist/api/logs.cjs"(exports2) {
    var require_global_utils2 = require_global_utils();
    var require_diag2 = require_diag();
    var require_ProxyLoggerProvider2 = require_ProxyLoggerProvider();
    var API_NAME = "logs";
    var LogsAPI = class LogsAPI2 {
      /** Empty private constructor prevents end users from constructing a new instance of the API */
      constructor() {
        this._proxyLoggerProvider = new require_ProxyLoggerProvider2.ProxyLoggerProvider();
      }
      /** Get the singleton instance of the Logs API */
      static getInstance() {
        if (!this._instance) this._instance = new LogsAPI2();
        return this._instance;
      }
      setGlobalLoggerProvider(provider) {
        const success = require_global_utils2.registerGlobal(API_NAME, provider, require_diag2.DiagAPI.instance());
        if (success) this._proxyLoggerProvider._setDelegate(provider);
        return success;
      }
      /**
      * Returns the global logger provider.
      *
      * @returns LoggerProvider
      */
      getLoggerProvider() {
        return require_global_utils2.getGlobal(API_NAME) || this._proxyLoggerProvider;
      }
      /**
      * Returns a Logger, creating one if one with the given name, version,
      * schemaUrl, and attributes is not already created.
      *
      * Getting a Logger may be expensive, especially when `attributes` are
      * provided. Reuse Logger instances where possible instead of calling
      * `getLogger()` on hot paths.
      *
      * @param name The name of the logger or instrumentation library.
      * @param version The version of the logger or instrumentation library.
      * @param options The options of the logger or instrumentation library.
      * @returns {@link Logger}
      */
      getLogger(name, version, options) {
        return this.getLoggerProvider().getLogger(name, version, options);
      }
      /** Remove the global logger provider */
      disable() {
        require_global_utils2.unregisterGlobal(API_NAME, require_diag2.DiagAPI.instance());
        this._proxyLoggerProvider = new require_ProxyLoggerProvider2.ProxyLoggerProvider();
      }
    };
    exports2.LogsAPI = LogsAPI;
  }
});

// node_modules/@opentelemetry/api/dist/logs-api.cjs
var require_logs_api = __commonJS({
  "node_modules/@opentelemetry/api/dist/logs-api.cjs"(exports2) {
    var logs = require_logs().LogsAPI.getInstance();
    exports2.logs = logs;
  }
});

// node_modules/@opentelemetry/api/dist/metrics/NoopMeterProvider.cjs
var require_NoopMeterProvider = __commonJS({
  "node_modules/@opentelemetry/api/dist/metrics/NoopMeterProvider.cjs"(exports2) {
    var require_NoopMeter2 = require_NoopMeter();
    var NoopMeterProvider = class {
      getMeter(_name, _version, _options) {
        return require_NoopMeter2.NOOP_METER;
      }
    };
    var NOOP_METER_PROVIDER = new NoopMeterProvider();
    exports2.NOOP_METER_PROVIDER = NOOP_METER_PROVIDER;
    exports2.NoopMeterProvider = NoopMeterProvider;
  }
});

// node_modules/@opentelemetry/api/dist/api/metrics.cjs
var require_metrics = __commonJS({
  "node_modules/@opentelemetry/api/dist/api/metrics.cjs"(exports2) {
    var require_global_utils2 = require_global_utils();
    var require_diag2 = require_diag();
    var require_NoopMeterProvider2 = require_NoopMeterProvider();
    var API_NAME = "metrics";
    var MetricsAPI = class MetricsAPI2 {
      /** Empty private constructor prevents end users from constructing a new instance of the API */
      constructor() {
      }
      /** Get the singleton instance of the Metrics API */
      static getInstance() {
        if (!this._instance) this._instance = new MetricsAPI2();
        return this._instance;
      }
      /**
      * Set the current global meter provider.
      * Returns true if the meter provider was successfully registered, else false.
      */
      setGlobalMeterProvider(provider) {
        return require_global_utils2.registerGlobal(API_NAME, provider, require_diag2.DiagAPI.instance());
      }
      /**
      * Returns the global meter provider.
      */
      getMeterProvider() {
        return require_global_utils2.getGlobal(API_NAME) || require_NoopMeterProvider2.NOOP_METER_PROVIDER;
      }
      /**
      * Returns a meter from the global meter provider.
      */
      getMeter(name, version, options) {
        return this.getMeterProvider().getMeter(name, version, options);
      }
      /** Remove the global meter provider */
      disable() {
        require_global_utils2.unregisterGlobal(API_NAME, require_diag2.DiagAPI.instance());
      }
    };
    exports2.MetricsAPI = MetricsAPI;
  }
});

// node_modules/@opentelemetry/api/dist/metrics-api.cjs
var require_metrics_api = __commonJS({
  "node_modules/@opentelemetry/api/dist/metrics-api.cjs"(exports2) {
    var metrics = require_metrics().MetricsAPI.getInstance();
    exports2.metrics = metrics;
  }
});

// node_modules/@opentelemetry/api/dist/propagation/NoopTextMapPropagator.cjs
var require_NoopTextMapPropagator = __commonJS({
  "node_modules/@opentelemetry/api/dist/propagation/NoopTextMapPropagator.cjs"(exports2) {
    var NoopTextMapPropagator = class {
      /** Noop inject function does nothing */
      inject(_context, _carrier) {
      }
      /** Noop extract function does nothing and returns the input context */
      extract(context, _carrier) {
        return context;
      }
      fields() {
        return [];
      }
    };
    exports2.NoopTextMapPropagator = NoopTextMapPropagator;
  }
});

// node_modules/@opentelemetry/api/dist/baggage/context-helpers.cjs
var require_context_helpers = __commonJS({
  "node_modules/@opentelemetry/api/dist/baggage/context-helpers.cjs"(exports2) {
    var require_context3 = require_context();
    var require_context$1 = require_context2();
    var BAGGAGE_KEY = require_context3.createContextKey("OpenTelemetry Baggage Key");
    function getBaggage(context) {
      return context.getValue(BAGGAGE_KEY) || void 0;
    }
    function getActiveBaggage() {
      return getBaggage(require_context$1.ContextAPI.getInstance().active());
    }
    function setBaggage(context, baggage) {
      return context.setValue(BAGGAGE_KEY, baggage);
    }
    function deleteBaggage(context) {
      return context.deleteValue(BAGGAGE_KEY);
    }
    exports2.deleteBaggage = deleteBaggage;
    exports2.getActiveBaggage = getActiveBaggage;
    exports2.getBaggage = getBaggage;
    exports2.setBaggage = setBaggage;
  }
});

// node_modules/@opentelemetry/api/dist/api/propagation.cjs
var require_propagation = __commonJS({
  "node_modules/@opentelemetry/api/dist/api/propagation.cjs"(exports2) {
    var require_global_utils2 = require_global_utils();
    var require_diag2 = require_diag();
    var require_utils3 = require_utils();
    var require_TextMapPropagator2 = require_TextMapPropagator();
    var require_NoopTextMapPropagator2 = require_NoopTextMapPropagator();
    var require_context_helpers2 = require_context_helpers();
    var API_NAME = "propagation";
    var NOOP_TEXT_MAP_PROPAGATOR = new require_NoopTextMapPropagator2.NoopTextMapPropagator();
    var PropagationAPI = class PropagationAPI2 {
      /** Empty private constructor prevents end users from constructing a new instance of the API */
      constructor() {
        this.createBaggage = require_utils3.createBaggage;
        this.getBaggage = require_context_helpers2.getBaggage;
        this.getActiveBaggage = require_context_helpers2.getActiveBaggage;
        this.setBaggage = require_context_helpers2.setBaggage;
        this.deleteBaggage = require_context_helpers2.deleteBaggage;
      }
      /** Get the singleton instance of the Propagator API */
      static getInstance() {
        if (!this._instance) this._instance = new PropagationAPI2();
        return this._instance;
      }
      /**
      * Set the current propagator.
      *
      * @returns true if the propagator was successfully registered, else false
      */
      setGlobalPropagator(propagator) {
        return require_global_utils2.registerGlobal(API_NAME, propagator, require_diag2.DiagAPI.instance());
      }
      /**
      * Inject context into a carrier to be propagated inter-process
      *
      * @param context Context carrying tracing data to inject
      * @param carrier carrier to inject context into
      * @param setter Function used to set values on the carrier
      */
      inject(context, carrier, setter = require_TextMapPropagator2.defaultTextMapSetter) {
        return this._getGlobalPropagator().inject(context, carrier, setter);
      }
      /**
      * Extract context from a carrier
      *
      * @param context Context which the newly created context will inherit from
      * @param carrier Carrier to extract context from
      * @param getter Function used to extract keys from a carrier
      */
      extract(context, carrier, getter = require_TextMapPropagator2.defaultTextMapGetter) {
        return this._getGlobalPropagator().extract(context, carrier, getter);
      }
      /**
      * Return a list of all fields which may be used by the propagator.
      */
      fields() {
        return this._getGlobalPropagator().fields();
      }
      /** Remove the global propagator */
      disable() {
        require_global_utils2.unregisterGlobal(API_NAME, require_diag2.DiagAPI.instance());
      }
      _getGlobalPropagator() {
        return require_global_utils2.getGlobal(API_NAME) || NOOP_TEXT_MAP_PROPAGATOR;
      }
    };
    exports2.PropagationAPI = PropagationAPI;
  }
});

// node_modules/@opentelemetry/api/dist/propagation-api.cjs
var require_propagation_api = __commonJS({
  "node_modules/@opentelemetry/api/dist/propagation-api.cjs"(exports2) {
    var propagation = require_propagation().PropagationAPI.getInstance();
    exports2.propagation = propagation;
  }
});

// node_modules/@opentelemetry/api/dist/api/trace.cjs
var require_trace = __commonJS({
  "node_modules/@opentelemetry/api/dist/api/trace.cjs"(exports2) {
    var require_global_utils2 = require_global_utils();
    var require_diag2 = require_diag();
    var require_context_utils2 = require_context_utils();
    var require_spancontext_utils2 = require_spancontext_utils();
    var require_ProxyTracerProvider2 = require_ProxyTracerProvider();
    var API_NAME = "trace";
    var TraceAPI = class TraceAPI2 {
      /** Empty private constructor prevents end users from constructing a new instance of the API */
      constructor() {
        this._proxyTracerProvider = new require_ProxyTracerProvider2.ProxyTracerProvider();
        this.wrapSpanContext = require_spancontext_utils2.wrapSpanContext;
        this.isSpanContextValid = require_spancontext_utils2.isSpanContextValid;
        this.deleteSpan = require_context_utils2.deleteSpan;
        this.getSpan = require_context_utils2.getSpan;
        this.getActiveSpan = require_context_utils2.getActiveSpan;
        this.getSpanContext = require_context_utils2.getSpanContext;
        this.setSpan = require_context_utils2.setSpan;
        this.setSpanContext = require_context_utils2.setSpanContext;
      }
      /** Get the singleton instance of the Trace API */
      static getInstance() {
        if (!this._instance) this._instance = new TraceAPI2();
        return this._instance;
      }
      /**
      * Set the current global tracer.
      *
      * @returns true if the tracer provider was successfully registered, else false
      */
      setGlobalTracerProvider(provider) {
        const success = require_global_utils2.registerGlobal(API_NAME, this._proxyTracerProvider, require_diag2.DiagAPI.instance());
        if (success) this._proxyTracerProvider.setDelegate(provider);
        return success;
      }
      /**
      * Returns the global tracer provider.
      */
      getTracerProvider() {
        return require_global_utils2.getGlobal(API_NAME) || this._proxyTracerProvider;
      }
      /**
      * Returns a tracer from the global tracer provider.
      */
      getTracer(name, version) {
        return this.getTracerProvider().getTracer(name, version);
      }
      /** Remove the global tracer provider */
      disable() {
        require_global_utils2.unregisterGlobal(API_NAME, require_diag2.DiagAPI.instance());
        this._proxyTracerProvider = new require_ProxyTracerProvider2.ProxyTracerProvider();
      }
    };
    exports2.TraceAPI = TraceAPI;
  }
});

// node_modules/@opentelemetry/api/dist/trace-api.cjs
var require_trace_api = __commonJS({
  "node_modules/@opentelemetry/api/dist/trace-api.cjs"(exports2) {
    var trace = require_trace().TraceAPI.getInstance();
    exports2.trace = trace;
  }
});

// node_modules/@opentelemetry/api/dist/index.cjs
var require_dist = __commonJS({
  "node_modules/@opentelemetry/api/dist/index.cjs"(exports2) {
    Object.defineProperties(exports2, {
      __esModule: { value: true },
      [Symbol.toStringTag]: { value: "Module" }
    });
    var require_types2 = require_types();
    var require_utils3 = require_utils();
    var require_context3 = require_context();
    var require_consoleLogger2 = require_consoleLogger();
    var require_NoopMeter2 = require_NoopMeter();
    var require_Metric2 = require_Metric();
    var require_NoopLogger2 = require_NoopLogger();
    var require_LogRecord2 = require_LogRecord();
    var require_TextMapPropagator2 = require_TextMapPropagator();
    var require_trace_flags2 = require_trace_flags();
    var require_invalid_span_constants2 = require_invalid_span_constants();
    var require_spancontext_utils2 = require_spancontext_utils();
    var require_ProxyTracer2 = require_ProxyTracer();
    var require_span_kind2 = require_span_kind();
    var require_status2 = require_status();
    var require_utils$1 = require_utils2();
    var require_ProxyTracerProvider2 = require_ProxyTracerProvider();
    var require_SamplingResult2 = require_SamplingResult();
    var require_context_api2 = require_context_api();
    var require_diag_api2 = require_diag_api();
    var require_logs_api2 = require_logs_api();
    var require_metrics_api2 = require_metrics_api();
    var require_propagation_api2 = require_propagation_api();
    var require_trace_api2 = require_trace_api();
    var src_default = {
      context: require_context_api2.context,
      diag: require_diag_api2.diag,
      logs: require_logs_api2.logs,
      metrics: require_metrics_api2.metrics,
      propagation: require_propagation_api2.propagation,
      trace: require_trace_api2.trace
    };
    exports2.DiagConsoleLogger = require_consoleLogger2.DiagConsoleLogger;
    exports2.DiagLogLevel = require_types2.DiagLogLevel;
    exports2.INVALID_SPANID = require_invalid_span_constants2.INVALID_SPANID;
    exports2.INVALID_SPAN_CONTEXT = require_invalid_span_constants2.INVALID_SPAN_CONTEXT;
    exports2.INVALID_TRACEID = require_invalid_span_constants2.INVALID_TRACEID;
    exports2.ProxyTracer = require_ProxyTracer2.ProxyTracer;
    exports2.ProxyTracerProvider = require_ProxyTracerProvider2.ProxyTracerProvider;
    exports2.ROOT_CONTEXT = require_context3.ROOT_CONTEXT;
    exports2.SamplingDecision = require_SamplingResult2.SamplingDecision;
    exports2.SeverityNumber = require_LogRecord2.SeverityNumber;
    exports2.SpanKind = require_span_kind2.SpanKind;
    exports2.SpanStatusCode = require_status2.SpanStatusCode;
    exports2.TraceFlags = require_trace_flags2.TraceFlags;
    exports2.ValueType = require_Metric2.ValueType;
    exports2.baggageEntryMetadataFromString = require_utils3.baggageEntryMetadataFromString;
    exports2.context = require_context_api2.context;
    exports2.createContextKey = require_context3.createContextKey;
    exports2.createNoopLogger = require_NoopLogger2.createNoopLogger;
    exports2.createNoopMeter = require_NoopMeter2.createNoopMeter;
    exports2.createTraceState = require_utils$1.createTraceState;
    exports2.default = src_default;
    exports2.defaultTextMapGetter = require_TextMapPropagator2.defaultTextMapGetter;
    exports2.defaultTextMapSetter = require_TextMapPropagator2.defaultTextMapSetter;
    exports2.diag = require_diag_api2.diag;
    exports2.isSpanContextValid = require_spancontext_utils2.isSpanContextValid;
    exports2.isValidSpanId = require_spancontext_utils2.isValidSpanId;
    exports2.isValidTraceId = require_spancontext_utils2.isValidTraceId;
    exports2.logs = require_logs_api2.logs;
    exports2.metrics = require_metrics_api2.metrics;
    exports2.propagation = require_propagation_api2.propagation;
    exports2.trace = require_trace_api2.trace;
  }
});

// node_modules/prom-client/lib/metrics/processCpuTotal.js
var require_processCpuTotal = __commonJS({
  "node_modules/prom-client/lib/metrics/processCpuTotal.js"(exports2, module2) {
    "use strict";
    var OtelApi = require_dist();
    var Counter = require_counter();
    var PROCESS_CPU_USER_SECONDS = "process_cpu_user_seconds_total";
    var PROCESS_CPU_SYSTEM_SECONDS = "process_cpu_system_seconds_total";
    var PROCESS_CPU_SECONDS = "process_cpu_seconds_total";
    module2.exports = (registry, config = {}) => {
      const registers = registry ? [registry] : void 0;
      const namePrefix = config.prefix ? config.prefix : "";
      const labels = config.labels ? config.labels : {};
      const exemplars = config.enableExemplars ? config.enableExemplars : false;
      const labelNames = Object.keys(labels);
      let lastCpuUsage = process.cpuUsage();
      const cpuUserUsageCounter = new Counter({
        name: namePrefix + PROCESS_CPU_USER_SECONDS,
        help: "Total user CPU time spent in seconds.",
        enableExemplars: exemplars,
        registers,
        labelNames,
        // Use this one metric's `collect` to set all metrics' values.
        collect() {
          const cpuUsage = process.cpuUsage();
          const userUsageMicros = cpuUsage.user - lastCpuUsage.user;
          const systemUsageMicros = cpuUsage.system - lastCpuUsage.system;
          lastCpuUsage = cpuUsage;
          if (this.enableExemplars) {
            let exemplarLabels = {};
            const currentSpan = OtelApi.trace.getSpan(OtelApi.context.active());
            if (currentSpan) {
              exemplarLabels = {
                traceId: currentSpan.spanContext().traceId,
                spanId: currentSpan.spanContext().spanId
              };
            }
            cpuUserUsageCounter.inc({
              labels,
              value: userUsageMicros / 1e6,
              exemplarLabels
            });
            cpuSystemUsageCounter.inc({
              labels,
              value: systemUsageMicros / 1e6,
              exemplarLabels
            });
            cpuUsageCounter.inc({
              labels,
              value: (userUsageMicros + systemUsageMicros) / 1e6,
              exemplarLabels
            });
          } else {
            cpuUserUsageCounter.inc(labels, userUsageMicros / 1e6);
            cpuSystemUsageCounter.inc(labels, systemUsageMicros / 1e6);
            cpuUsageCounter.inc(
              labels,
              (userUsageMicros + systemUsageMicros) / 1e6
            );
          }
        }
      });
      const cpuSystemUsageCounter = new Counter({
        name: namePrefix + PROCESS_CPU_SYSTEM_SECONDS,
        help: "Total system CPU time spent in seconds.",
        enableExemplars: exemplars,
        registers,
        labelNames
      });
      const cpuUsageCounter = new Counter({
        name: namePrefix + PROCESS_CPU_SECONDS,
        help: "Total user and system CPU time spent in seconds.",
        enableExemplars: exemplars,
        registers,
        labelNames
      });
    };
    module2.exports.metricNames = [
      PROCESS_CPU_USER_SECONDS,
      PROCESS_CPU_SYSTEM_SECONDS,
      PROCESS_CPU_SECONDS
    ];
  }
});

// node_modules/prom-client/lib/metrics/processStartTime.js
var require_processStartTime = __commonJS({
  "node_modules/prom-client/lib/metrics/processStartTime.js"(exports2, module2) {
    "use strict";
    var Gauge = require_gauge();
    var startInSeconds = Math.round(Date.now() / 1e3 - process.uptime());
    var PROCESS_START_TIME = "process_start_time_seconds";
    module2.exports = (registry, config = {}) => {
      const namePrefix = config.prefix ? config.prefix : "";
      const labels = config.labels ? config.labels : {};
      const labelNames = Object.keys(labels);
      new Gauge({
        name: namePrefix + PROCESS_START_TIME,
        help: "Start time of the process since unix epoch in seconds.",
        registers: registry ? [registry] : void 0,
        labelNames,
        aggregator: "omit",
        collect() {
          this.set(labels, startInSeconds);
        }
      });
    };
    module2.exports.metricNames = [PROCESS_START_TIME];
  }
});

// node_modules/prom-client/lib/metrics/osMemoryHeapLinux.js
var require_osMemoryHeapLinux = __commonJS({
  "node_modules/prom-client/lib/metrics/osMemoryHeapLinux.js"(exports2, module2) {
    "use strict";
    var Gauge = require_gauge();
    var fs = require("fs");
    var values = ["VmSize", "VmRSS", "VmData"];
    var PROCESS_RESIDENT_MEMORY = "process_resident_memory_bytes";
    var PROCESS_VIRTUAL_MEMORY = "process_virtual_memory_bytes";
    var PROCESS_HEAP = "process_heap_bytes";
    function structureOutput(input) {
      return input.split("\n").reduce((acc, string) => {
        if (!values.some((value2) => string.startsWith(value2))) {
          return acc;
        }
        const split = string.split(":");
        let value = split[1].trim();
        value = value.substr(0, value.length - 3);
        value = Number(value) * 1024;
        acc[split[0]] = value;
        return acc;
      }, {});
    }
    module2.exports = (registry, config = {}) => {
      const registers = registry ? [registry] : void 0;
      const namePrefix = config.prefix ? config.prefix : "";
      const labels = config.labels ? config.labels : {};
      const labelNames = Object.keys(labels);
      const residentMemGauge = new Gauge({
        name: namePrefix + PROCESS_RESIDENT_MEMORY,
        help: "Resident memory size in bytes.",
        registers,
        labelNames,
        // Use this one metric's `collect` to set all metrics' values.
        collect() {
          try {
            const stat = fs.readFileSync("/proc/self/status", "utf8");
            const structuredOutput = structureOutput(stat);
            residentMemGauge.set(labels, structuredOutput.VmRSS);
            virtualMemGauge.set(labels, structuredOutput.VmSize);
            heapSizeMemGauge.set(labels, structuredOutput.VmData);
          } catch {
          }
        }
      });
      const virtualMemGauge = new Gauge({
        name: namePrefix + PROCESS_VIRTUAL_MEMORY,
        help: "Virtual memory size in bytes.",
        registers,
        labelNames
      });
      const heapSizeMemGauge = new Gauge({
        name: namePrefix + PROCESS_HEAP,
        help: "Process heap size in bytes.",
        registers,
        labelNames
      });
    };
    module2.exports.metricNames = [
      PROCESS_RESIDENT_MEMORY,
      PROCESS_VIRTUAL_MEMORY,
      PROCESS_HEAP
    ];
  }
});

// node_modules/prom-client/lib/metrics/helpers/safeMemoryUsage.js
var require_safeMemoryUsage = __commonJS({
  "node_modules/prom-client/lib/metrics/helpers/safeMemoryUsage.js"(exports2, module2) {
    "use strict";
    function safeMemoryUsage() {
      try {
        return process.memoryUsage();
      } catch {
        return;
      }
    }
    module2.exports = safeMemoryUsage;
  }
});

// node_modules/prom-client/lib/metrics/osMemoryHeap.js
var require_osMemoryHeap = __commonJS({
  "node_modules/prom-client/lib/metrics/osMemoryHeap.js"(exports2, module2) {
    "use strict";
    var Gauge = require_gauge();
    var linuxVariant = require_osMemoryHeapLinux();
    var safeMemoryUsage = require_safeMemoryUsage();
    var PROCESS_RESIDENT_MEMORY = "process_resident_memory_bytes";
    function notLinuxVariant(registry, config = {}) {
      const namePrefix = config.prefix ? config.prefix : "";
      const labels = config.labels ? config.labels : {};
      const labelNames = Object.keys(labels);
      new Gauge({
        name: namePrefix + PROCESS_RESIDENT_MEMORY,
        help: "Resident memory size in bytes.",
        registers: registry ? [registry] : void 0,
        labelNames,
        collect() {
          const memUsage = safeMemoryUsage();
          if (memUsage) {
            this.set(labels, memUsage.rss);
          }
        }
      });
    }
    module2.exports = (registry, config) => process.platform === "linux" ? linuxVariant(registry, config) : notLinuxVariant(registry, config);
    module2.exports.metricNames = process.platform === "linux" ? linuxVariant.metricNames : [PROCESS_RESIDENT_MEMORY];
  }
});

// node_modules/prom-client/lib/metrics/processOpenFileDescriptors.js
var require_processOpenFileDescriptors = __commonJS({
  "node_modules/prom-client/lib/metrics/processOpenFileDescriptors.js"(exports2, module2) {
    "use strict";
    var Gauge = require_gauge();
    var fs = require("fs");
    var process2 = require("process");
    var PROCESS_OPEN_FDS = "process_open_fds";
    module2.exports = (registry, config = {}) => {
      if (process2.platform !== "linux") {
        return;
      }
      const namePrefix = config.prefix ? config.prefix : "";
      const labels = config.labels ? config.labels : {};
      const labelNames = Object.keys(labels);
      new Gauge({
        name: namePrefix + PROCESS_OPEN_FDS,
        help: "Number of open file descriptors.",
        registers: registry ? [registry] : void 0,
        labelNames,
        collect() {
          try {
            const fds = fs.readdirSync("/proc/self/fd");
            this.set(labels, fds.length - 1);
          } catch {
          }
        }
      });
    };
    module2.exports.metricNames = [PROCESS_OPEN_FDS];
  }
});

// node_modules/prom-client/lib/metrics/processMaxFileDescriptors.js
var require_processMaxFileDescriptors = __commonJS({
  "node_modules/prom-client/lib/metrics/processMaxFileDescriptors.js"(exports2, module2) {
    "use strict";
    var Gauge = require_gauge();
    var fs = require("fs");
    var PROCESS_MAX_FDS = "process_max_fds";
    var maxFds;
    module2.exports = (registry, config = {}) => {
      if (maxFds === void 0) {
        try {
          const limits = fs.readFileSync("/proc/self/limits", "utf8");
          const lines = limits.split("\n");
          for (const line of lines) {
            if (line.startsWith("Max open files")) {
              const parts = line.split(/  +/);
              maxFds = Number(parts[1]);
              break;
            }
          }
        } catch {
          return;
        }
      }
      if (maxFds === void 0) return;
      const namePrefix = config.prefix ? config.prefix : "";
      const labels = config.labels ? config.labels : {};
      const labelNames = Object.keys(labels);
      new Gauge({
        name: namePrefix + PROCESS_MAX_FDS,
        help: "Maximum number of open file descriptors.",
        registers: registry ? [registry] : void 0,
        labelNames,
        collect() {
          if (maxFds !== void 0) this.set(labels, maxFds);
        }
      });
    };
    module2.exports.metricNames = [PROCESS_MAX_FDS];
  }
});

// node_modules/prom-client/lib/metrics/eventLoopLag.js
var require_eventLoopLag = __commonJS({
  "node_modules/prom-client/lib/metrics/eventLoopLag.js"(exports2, module2) {
    "use strict";
    var Gauge = require_gauge();
    var perf_hooks;
    try {
      perf_hooks = require("perf_hooks");
    } catch {
    }
    var NODEJS_EVENTLOOP_LAG = "nodejs_eventloop_lag_seconds";
    var NODEJS_EVENTLOOP_LAG_MIN = "nodejs_eventloop_lag_min_seconds";
    var NODEJS_EVENTLOOP_LAG_MAX = "nodejs_eventloop_lag_max_seconds";
    var NODEJS_EVENTLOOP_LAG_MEAN = "nodejs_eventloop_lag_mean_seconds";
    var NODEJS_EVENTLOOP_LAG_STDDEV = "nodejs_eventloop_lag_stddev_seconds";
    var NODEJS_EVENTLOOP_LAG_P50 = "nodejs_eventloop_lag_p50_seconds";
    var NODEJS_EVENTLOOP_LAG_P90 = "nodejs_eventloop_lag_p90_seconds";
    var NODEJS_EVENTLOOP_LAG_P99 = "nodejs_eventloop_lag_p99_seconds";
    function reportEventloopLag(start, gauge, labels) {
      const delta = process.hrtime(start);
      const nanosec = delta[0] * 1e9 + delta[1];
      const seconds = nanosec / 1e9;
      gauge.set(labels, seconds);
    }
    module2.exports = (registry, config = {}) => {
      const namePrefix = config.prefix ? config.prefix : "";
      const labels = config.labels ? config.labels : {};
      const labelNames = Object.keys(labels);
      const registers = registry ? [registry] : void 0;
      let collect = () => {
        const start = process.hrtime();
        setImmediate(reportEventloopLag, start, lag, labels);
      };
      if (perf_hooks && perf_hooks.monitorEventLoopDelay) {
        try {
          const histogram = perf_hooks.monitorEventLoopDelay({
            resolution: config.eventLoopMonitoringPrecision
          });
          histogram.enable();
          collect = () => {
            const start = process.hrtime();
            setImmediate(reportEventloopLag, start, lag, labels);
            lagMin.set(labels, histogram.min / 1e9);
            lagMax.set(labels, histogram.max / 1e9);
            lagMean.set(labels, histogram.mean / 1e9);
            lagStddev.set(labels, histogram.stddev / 1e9);
            lagP50.set(labels, histogram.percentile(50) / 1e9);
            lagP90.set(labels, histogram.percentile(90) / 1e9);
            lagP99.set(labels, histogram.percentile(99) / 1e9);
            histogram.reset();
          };
        } catch (e) {
          if (e.code === "ERR_NOT_IMPLEMENTED") {
            return;
          }
          throw e;
        }
      }
      const lag = new Gauge({
        name: namePrefix + NODEJS_EVENTLOOP_LAG,
        help: "Lag of event loop in seconds.",
        registers,
        labelNames,
        aggregator: "average",
        // Use this one metric's `collect` to set all metrics' values.
        collect
      });
      const lagMin = new Gauge({
        name: namePrefix + NODEJS_EVENTLOOP_LAG_MIN,
        help: "The minimum recorded event loop delay.",
        registers,
        labelNames,
        aggregator: "min"
      });
      const lagMax = new Gauge({
        name: namePrefix + NODEJS_EVENTLOOP_LAG_MAX,
        help: "The maximum recorded event loop delay.",
        registers,
        labelNames,
        aggregator: "max"
      });
      const lagMean = new Gauge({
        name: namePrefix + NODEJS_EVENTLOOP_LAG_MEAN,
        help: "The mean of the recorded event loop delays.",
        registers,
        labelNames,
        aggregator: "average"
      });
      const lagStddev = new Gauge({
        name: namePrefix + NODEJS_EVENTLOOP_LAG_STDDEV,
        help: "The standard deviation of the recorded event loop delays.",
        registers,
        labelNames,
        aggregator: "average"
      });
      const lagP50 = new Gauge({
        name: namePrefix + NODEJS_EVENTLOOP_LAG_P50,
        help: "The 50th percentile of the recorded event loop delays.",
        registers,
        labelNames,
        aggregator: "average"
      });
      const lagP90 = new Gauge({
        name: namePrefix + NODEJS_EVENTLOOP_LAG_P90,
        help: "The 90th percentile of the recorded event loop delays.",
        registers,
        labelNames,
        aggregator: "average"
      });
      const lagP99 = new Gauge({
        name: namePrefix + NODEJS_EVENTLOOP_LAG_P99,
        help: "The 99th percentile of the recorded event loop delays.",
        registers,
        labelNames,
        aggregator: "average"
      });
    };
    module2.exports.metricNames = [
      NODEJS_EVENTLOOP_LAG,
      NODEJS_EVENTLOOP_LAG_MIN,
      NODEJS_EVENTLOOP_LAG_MAX,
      NODEJS_EVENTLOOP_LAG_MEAN,
      NODEJS_EVENTLOOP_LAG_STDDEV,
      NODEJS_EVENTLOOP_LAG_P50,
      NODEJS_EVENTLOOP_LAG_P90,
      NODEJS_EVENTLOOP_LAG_P99
    ];
  }
});

// node_modules/prom-client/lib/metrics/helpers/processMetricsHelpers.js
var require_processMetricsHelpers = __commonJS({
  "node_modules/prom-client/lib/metrics/helpers/processMetricsHelpers.js"(exports2, module2) {
    "use strict";
    function aggregateByObjectName(list) {
      const data = {};
      for (let i = 0; i < list.length; i++) {
        const listElement = list[i];
        if (!listElement || typeof listElement.constructor === "undefined") {
          continue;
        }
        if (Object.hasOwnProperty.call(data, listElement.constructor.name)) {
          data[listElement.constructor.name] += 1;
        } else {
          data[listElement.constructor.name] = 1;
        }
      }
      return data;
    }
    function updateMetrics(gauge, data, labels) {
      gauge.reset();
      for (const key in data) {
        gauge.set(Object.assign({ type: key }, labels || {}), data[key]);
      }
    }
    module2.exports = {
      aggregateByObjectName,
      updateMetrics
    };
  }
});

// node_modules/prom-client/lib/metrics/processHandles.js
var require_processHandles = __commonJS({
  "node_modules/prom-client/lib/metrics/processHandles.js"(exports2, module2) {
    "use strict";
    var { aggregateByObjectName } = require_processMetricsHelpers();
    var { updateMetrics } = require_processMetricsHelpers();
    var Gauge = require_gauge();
    var NODEJS_ACTIVE_HANDLES = "nodejs_active_handles";
    var NODEJS_ACTIVE_HANDLES_TOTAL = "nodejs_active_handles_total";
    module2.exports = (registry, config = {}) => {
      if (typeof process._getActiveHandles !== "function") {
        return;
      }
      const registers = registry ? [registry] : void 0;
      const namePrefix = config.prefix ? config.prefix : "";
      const labels = config.labels ? config.labels : {};
      const labelNames = Object.keys(labels);
      new Gauge({
        name: namePrefix + NODEJS_ACTIVE_HANDLES,
        help: "Number of active libuv handles grouped by handle type. Every handle type is C++ class name.",
        labelNames: ["type", ...labelNames],
        registers,
        collect() {
          const handles = process._getActiveHandles();
          updateMetrics(this, aggregateByObjectName(handles), labels);
        }
      });
      new Gauge({
        name: namePrefix + NODEJS_ACTIVE_HANDLES_TOTAL,
        help: "Total number of active handles.",
        registers,
        labelNames,
        collect() {
          const handles = process._getActiveHandles();
          this.set(labels, handles.length);
        }
      });
    };
    module2.exports.metricNames = [
      NODEJS_ACTIVE_HANDLES,
      NODEJS_ACTIVE_HANDLES_TOTAL
    ];
  }
});

// node_modules/prom-client/lib/metrics/processRequests.js
var require_processRequests = __commonJS({
  "node_modules/prom-client/lib/metrics/processRequests.js"(exports2, module2) {
    "use strict";
    var Gauge = require_gauge();
    var { aggregateByObjectName } = require_processMetricsHelpers();
    var { updateMetrics } = require_processMetricsHelpers();
    var NODEJS_ACTIVE_REQUESTS = "nodejs_active_requests";
    var NODEJS_ACTIVE_REQUESTS_TOTAL = "nodejs_active_requests_total";
    module2.exports = (registry, config = {}) => {
      if (typeof process._getActiveRequests !== "function") {
        return;
      }
      const namePrefix = config.prefix ? config.prefix : "";
      const labels = config.labels ? config.labels : {};
      const labelNames = Object.keys(labels);
      new Gauge({
        name: namePrefix + NODEJS_ACTIVE_REQUESTS,
        help: "Number of active libuv requests grouped by request type. Every request type is C++ class name.",
        labelNames: ["type", ...labelNames],
        registers: registry ? [registry] : void 0,
        collect() {
          const requests = process._getActiveRequests();
          updateMetrics(this, aggregateByObjectName(requests), labels);
        }
      });
      new Gauge({
        name: namePrefix + NODEJS_ACTIVE_REQUESTS_TOTAL,
        help: "Total number of active requests.",
        registers: registry ? [registry] : void 0,
        labelNames,
        collect() {
          const requests = process._getActiveRequests();
          this.set(labels, requests.length);
        }
      });
    };
    module2.exports.metricNames = [
      NODEJS_ACTIVE_REQUESTS,
      NODEJS_ACTIVE_REQUESTS_TOTAL
    ];
  }
});

// node_modules/prom-client/lib/metrics/processResources.js
var require_processResources = __commonJS({
  "node_modules/prom-client/lib/metrics/processResources.js"(exports2, module2) {
    "use strict";
    var Gauge = require_gauge();
    var { updateMetrics } = require_processMetricsHelpers();
    var NODEJS_ACTIVE_RESOURCES = "nodejs_active_resources";
    var NODEJS_ACTIVE_RESOURCES_TOTAL = "nodejs_active_resources_total";
    module2.exports = (registry, config = {}) => {
      if (typeof process.getActiveResourcesInfo !== "function") {
        return;
      }
      const namePrefix = config.prefix ? config.prefix : "";
      const labels = config.labels ? config.labels : {};
      const labelNames = Object.keys(labels);
      new Gauge({
        name: namePrefix + NODEJS_ACTIVE_RESOURCES,
        help: "Number of active resources that are currently keeping the event loop alive, grouped by async resource type.",
        labelNames: ["type", ...labelNames],
        registers: registry ? [registry] : void 0,
        collect() {
          const resources = process.getActiveResourcesInfo();
          const data = {};
          for (let i = 0; i < resources.length; i++) {
            const resource = resources[i];
            if (Object.hasOwn(data, resource)) {
              data[resource] += 1;
            } else {
              data[resource] = 1;
            }
          }
          updateMetrics(this, data, labels);
        }
      });
      new Gauge({
        name: namePrefix + NODEJS_ACTIVE_RESOURCES_TOTAL,
        help: "Total number of active resources.",
        registers: registry ? [registry] : void 0,
        labelNames,
        collect() {
          const resources = process.getActiveResourcesInfo();
          this.set(labels, resources.length);
        }
      });
    };
    module2.exports.metricNames = [
      NODEJS_ACTIVE_RESOURCES,
      NODEJS_ACTIVE_RESOURCES_TOTAL
    ];
  }
});

// node_modules/prom-client/lib/metrics/heapSizeAndUsed.js
var require_heapSizeAndUsed = __commonJS({
  "node_modules/prom-client/lib/metrics/heapSizeAndUsed.js"(exports2, module2) {
    "use strict";
    var Gauge = require_gauge();
    var safeMemoryUsage = require_safeMemoryUsage();
    var NODEJS_HEAP_SIZE_TOTAL = "nodejs_heap_size_total_bytes";
    var NODEJS_HEAP_SIZE_USED = "nodejs_heap_size_used_bytes";
    var NODEJS_EXTERNAL_MEMORY = "nodejs_external_memory_bytes";
    module2.exports = (registry, config = {}) => {
      if (typeof process.memoryUsage !== "function") {
        return;
      }
      const labels = config.labels ? config.labels : {};
      const labelNames = Object.keys(labels);
      const registers = registry ? [registry] : void 0;
      const namePrefix = config.prefix ? config.prefix : "";
      const collect = () => {
        const memUsage = safeMemoryUsage();
        if (memUsage) {
          heapSizeTotal.set(labels, memUsage.heapTotal);
          heapSizeUsed.set(labels, memUsage.heapUsed);
          if (memUsage.external !== void 0) {
            externalMemUsed.set(labels, memUsage.external);
          }
        }
      };
      const heapSizeTotal = new Gauge({
        name: namePrefix + NODEJS_HEAP_SIZE_TOTAL,
        help: "Process heap size from Node.js in bytes.",
        registers,
        labelNames,
        // Use this one metric's `collect` to set all metrics' values.
        collect
      });
      const heapSizeUsed = new Gauge({
        name: namePrefix + NODEJS_HEAP_SIZE_USED,
        help: "Process heap size used from Node.js in bytes.",
        registers,
        labelNames
      });
      const externalMemUsed = new Gauge({
        name: namePrefix + NODEJS_EXTERNAL_MEMORY,
        help: "Node.js external memory size in bytes.",
        registers,
        labelNames
      });
    };
    module2.exports.metricNames = [
      NODEJS_HEAP_SIZE_TOTAL,
      NODEJS_HEAP_SIZE_USED,
      NODEJS_EXTERNAL_MEMORY
    ];
  }
});

// node_modules/prom-client/lib/metrics/heapSpacesSizeAndUsed.js
var require_heapSpacesSizeAndUsed = __commonJS({
  "node_modules/prom-client/lib/metrics/heapSpacesSizeAndUsed.js"(exports2, module2) {
    "use strict";
    var Gauge = require_gauge();
    var v8 = require("v8");
    var METRICS = ["total", "used", "available"];
    var NODEJS_HEAP_SIZE = {};
    METRICS.forEach((metricType) => {
      NODEJS_HEAP_SIZE[metricType] = `nodejs_heap_space_size_${metricType}_bytes`;
    });
    module2.exports = (registry, config = {}) => {
      try {
        v8.getHeapSpaceStatistics();
      } catch (e) {
        if (e.code === "ERR_NOT_IMPLEMENTED") {
          return;
        }
        throw e;
      }
      const registers = registry ? [registry] : void 0;
      const namePrefix = config.prefix ? config.prefix : "";
      const labels = config.labels ? config.labels : {};
      const labelNames = ["space", ...Object.keys(labels)];
      const gauges = {};
      METRICS.forEach((metricType) => {
        gauges[metricType] = new Gauge({
          name: namePrefix + NODEJS_HEAP_SIZE[metricType],
          help: `Process heap space size ${metricType} from Node.js in bytes.`,
          labelNames,
          registers
        });
      });
      gauges.total.collect = () => {
        for (const space of v8.getHeapSpaceStatistics()) {
          const spaceName = space.space_name.substr(
            0,
            space.space_name.indexOf("_space")
          );
          gauges.total.set({ space: spaceName, ...labels }, space.space_size);
          gauges.used.set({ space: spaceName, ...labels }, space.space_used_size);
          gauges.available.set(
            { space: spaceName, ...labels },
            space.space_available_size
          );
        }
      };
    };
    module2.exports.metricNames = Object.values(NODEJS_HEAP_SIZE);
  }
});

// node_modules/prom-client/lib/metrics/version.js
var require_version2 = __commonJS({
  "node_modules/prom-client/lib/metrics/version.js"(exports2, module2) {
    "use strict";
    var Gauge = require_gauge();
    var version = process.version;
    var versionSegments = version.slice(1).split(".").map(Number);
    var NODE_VERSION_INFO = "nodejs_version_info";
    module2.exports = (registry, config = {}) => {
      const namePrefix = config.prefix ? config.prefix : "";
      const labels = config.labels ? config.labels : {};
      const labelNames = Object.keys(labels);
      new Gauge({
        name: namePrefix + NODE_VERSION_INFO,
        help: "Node.js version info.",
        labelNames: ["version", "major", "minor", "patch", ...labelNames],
        registers: registry ? [registry] : void 0,
        aggregator: "first",
        collect() {
          this.labels(
            version,
            versionSegments[0],
            versionSegments[1],
            versionSegments[2],
            ...Object.values(labels)
          ).set(1);
        }
      });
    };
    module2.exports.metricNames = [NODE_VERSION_INFO];
  }
});

// node_modules/prom-client/lib/metrics/gc.js
var require_gc = __commonJS({
  "node_modules/prom-client/lib/metrics/gc.js"(exports2, module2) {
    "use strict";
    var Histogram = require_histogram();
    var perf_hooks;
    try {
      perf_hooks = require("perf_hooks");
    } catch {
    }
    var NODEJS_GC_DURATION_SECONDS = "nodejs_gc_duration_seconds";
    var DEFAULT_GC_DURATION_BUCKETS = [1e-3, 0.01, 0.1, 1, 2, 5];
    var kinds = [];
    if (perf_hooks && perf_hooks.constants) {
      kinds[perf_hooks.constants.NODE_PERFORMANCE_GC_MAJOR] = "major";
      kinds[perf_hooks.constants.NODE_PERFORMANCE_GC_MINOR] = "minor";
      kinds[perf_hooks.constants.NODE_PERFORMANCE_GC_INCREMENTAL] = "incremental";
      kinds[perf_hooks.constants.NODE_PERFORMANCE_GC_WEAKCB] = "weakcb";
    }
    module2.exports = (registry, config = {}) => {
      if (!perf_hooks) {
        return;
      }
      const namePrefix = config.prefix ? config.prefix : "";
      const labels = config.labels ? config.labels : {};
      const labelNames = Object.keys(labels);
      const buckets = config.gcDurationBuckets ? config.gcDurationBuckets : DEFAULT_GC_DURATION_BUCKETS;
      const gcHistogram = new Histogram({
        name: namePrefix + NODEJS_GC_DURATION_SECONDS,
        help: "Garbage collection duration by kind, one of major, minor, incremental or weakcb.",
        labelNames: ["kind", ...labelNames],
        enableExemplars: false,
        buckets,
        registers: registry ? [registry] : void 0
      });
      const obs = new perf_hooks.PerformanceObserver((list) => {
        const entry = list.getEntries()[0];
        const kind = entry.detail ? kinds[entry.detail.kind] : kinds[entry.kind];
        gcHistogram.observe(Object.assign({ kind }, labels), entry.duration / 1e3);
      });
      obs.observe({ entryTypes: ["gc"] });
    };
    module2.exports.metricNames = [NODEJS_GC_DURATION_SECONDS];
  }
});

// node_modules/prom-client/lib/defaultMetrics.js
var require_defaultMetrics = __commonJS({
  "node_modules/prom-client/lib/defaultMetrics.js"(exports2, module2) {
    "use strict";
    var { isObject } = require_util();
    var processCpuTotal = require_processCpuTotal();
    var processStartTime = require_processStartTime();
    var osMemoryHeap = require_osMemoryHeap();
    var processOpenFileDescriptors = require_processOpenFileDescriptors();
    var processMaxFileDescriptors = require_processMaxFileDescriptors();
    var eventLoopLag = require_eventLoopLag();
    var processHandles = require_processHandles();
    var processRequests = require_processRequests();
    var processResources = require_processResources();
    var heapSizeAndUsed = require_heapSizeAndUsed();
    var heapSpacesSizeAndUsed = require_heapSpacesSizeAndUsed();
    var version = require_version2();
    var gc = require_gc();
    var metrics = {
      processCpuTotal,
      processStartTime,
      osMemoryHeap,
      processOpenFileDescriptors,
      processMaxFileDescriptors,
      eventLoopLag,
      ...typeof process.getActiveResourcesInfo === "function" ? { processResources } : {},
      processHandles,
      processRequests,
      heapSizeAndUsed,
      heapSpacesSizeAndUsed,
      version,
      gc
    };
    var metricsList = Object.keys(metrics);
    module2.exports = function collectDefaultMetrics(config) {
      if (config !== null && config !== void 0 && !isObject(config)) {
        throw new TypeError("config must be null, undefined, or an object");
      }
      config = { eventLoopMonitoringPrecision: 10, ...config };
      for (const metric of Object.values(metrics)) {
        metric(config.register, config);
      }
    };
    module2.exports.metricsList = metricsList;
  }
});

// node_modules/prom-client/lib/metricAggregators.js
var require_metricAggregators = __commonJS({
  "node_modules/prom-client/lib/metricAggregators.js"(exports2) {
    "use strict";
    var { Grouper, hashObject } = require_util();
    function AggregatorFactory(aggregatorFn) {
      return (metrics) => {
        if (metrics.length === 0) return;
        const result = {
          help: metrics[0].help,
          name: metrics[0].name,
          type: metrics[0].type,
          values: [],
          aggregator: metrics[0].aggregator
        };
        const byLabels = new Grouper();
        metrics.forEach((metric) => {
          metric.values.forEach((value) => {
            const key = hashObject(value.labels);
            byLabels.add(`${value.metricName}_${key}`, value);
          });
        });
        byLabels.forEach((values) => {
          if (values.length === 0) return;
          const valObj = {
            value: aggregatorFn(values),
            labels: values[0].labels
          };
          if (values[0].metricName) {
            valObj.metricName = values[0].metricName;
          }
          result.values.push(valObj);
        });
        return result;
      };
    }
    exports2.AggregatorFactory = AggregatorFactory;
    exports2.aggregators = {
      /**
       * @return The sum of values.
       */
      sum: AggregatorFactory((v) => v.reduce((p, c) => p + c.value, 0)),
      /**
       * @return The first value.
       */
      first: AggregatorFactory((v) => v[0].value),
      /**
       * @return {undefined} Undefined; omits the metric.
       */
      omit: () => {
      },
      /**
       * @return The arithmetic mean of the values.
       */
      average: AggregatorFactory(
        (v) => v.reduce((p, c) => p + c.value, 0) / v.length
      ),
      /**
       * @return The minimum of the values.
       */
      min: AggregatorFactory(
        (v) => v.reduce((p, c) => Math.min(p, c.value), Infinity)
      ),
      /**
       * @return The maximum of the values.
       */
      max: AggregatorFactory(
        (v) => v.reduce((p, c) => Math.max(p, c.value), -Infinity)
      )
    };
  }
});

// node_modules/prom-client/lib/cluster.js
var require_cluster = __commonJS({
  "node_modules/prom-client/lib/cluster.js"(exports2, module2) {
    "use strict";
    var Registry = require_registry();
    var { Grouper } = require_util();
    var { aggregators } = require_metricAggregators();
    var cluster = () => {
      const data = require("cluster");
      cluster = () => data;
      return data;
    };
    var GET_METRICS_REQ = "prom-client:getMetricsReq";
    var GET_METRICS_RES = "prom-client:getMetricsRes";
    var registries = [Registry.globalRegistry];
    var requestCtr = 0;
    var listenersAdded = false;
    var requests = /* @__PURE__ */ new Map();
    var AggregatorRegistry = class extends Registry {
      constructor(regContentType = Registry.PROMETHEUS_CONTENT_TYPE) {
        super(regContentType);
        addListeners();
      }
      /**
       * Gets aggregated metrics for all workers. The optional callback and
       * returned Promise resolve with the same value; either may be used.
       * @return {Promise<string>} Promise that resolves with the aggregated
       *   metrics.
       */
      clusterMetrics() {
        const requestId = requestCtr++;
        return new Promise((resolve, reject) => {
          let settled = false;
          function done(err, result) {
            if (settled) return;
            settled = true;
            if (err) reject(err);
            else resolve(result);
          }
          const request = {
            responses: [],
            pending: 0,
            done,
            errorTimeout: setTimeout(() => {
              const err = new Error("Operation timed out.");
              request.done(err);
            }, 5e3)
          };
          requests.set(requestId, request);
          const message = {
            type: GET_METRICS_REQ,
            requestId
          };
          for (const id in cluster().workers) {
            if (cluster().workers[id].isConnected()) {
              cluster().workers[id].send(message);
              request.pending++;
            }
          }
          if (request.pending === 0) {
            clearTimeout(request.errorTimeout);
            process.nextTick(() => done(null, ""));
          }
        });
      }
      get contentType() {
        return super.contentType;
      }
      /**
       * Creates a new Registry instance from an array of metrics that were
       * created by `registry.getMetricsAsJSON()`. Metrics are aggregated using
       * the method specified by their `aggregator` property, or by summation if
       * `aggregator` is undefined.
       * @param {Array} metricsArr Array of metrics, each of which created by
       *   `registry.getMetricsAsJSON()`.
       * @param {string} registryType content type of the new registry. Defaults
       * to PROMETHEUS_CONTENT_TYPE.
       * @return {Registry} aggregated registry.
       */
      static aggregate(metricsArr, registryType = Registry.PROMETHEUS_CONTENT_TYPE) {
        const aggregatedRegistry = new Registry();
        const metricsByName = new Grouper();
        aggregatedRegistry.setContentType(registryType);
        metricsArr.forEach((metrics) => {
          metrics.forEach((metric) => {
            metricsByName.add(metric.name, metric);
          });
        });
        metricsByName.forEach((metrics) => {
          const aggregatorName = metrics[0].aggregator;
          const aggregatorFn = aggregators[aggregatorName];
          if (typeof aggregatorFn !== "function") {
            throw new Error(`'${aggregatorName}' is not a defined aggregator.`);
          }
          const aggregatedMetric = aggregatorFn(metrics);
          if (aggregatedMetric) {
            const aggregatedMetricWrapper = Object.assign(
              {
                get: () => aggregatedMetric
              },
              aggregatedMetric
            );
            aggregatedRegistry.registerMetric(aggregatedMetricWrapper);
          }
        });
        return aggregatedRegistry;
      }
      /**
       * Sets the registry or registries to be aggregated. Call from workers to
       * use a registry/registries other than the default global registry.
       * @param {Array<Registry>|Registry} regs Registry or registries to be
       *   aggregated.
       * @return {void}
       */
      static setRegistries(regs) {
        if (!Array.isArray(regs)) regs = [regs];
        regs.forEach((reg) => {
          if (!(reg instanceof Registry)) {
            throw new TypeError(`Expected Registry, got ${typeof reg}`);
          }
        });
        registries = regs;
      }
    };
    function addListeners() {
      if (listenersAdded) return;
      listenersAdded = true;
      if (cluster().isMaster) {
        cluster().on("message", (worker, message) => {
          if (message.type === GET_METRICS_RES) {
            const request = requests.get(message.requestId);
            if (message.error) {
              request.done(new Error(message.error));
              return;
            }
            message.metrics.forEach((registry) => request.responses.push(registry));
            request.pending--;
            if (request.pending === 0) {
              requests.delete(message.requestId);
              clearTimeout(request.errorTimeout);
              const registry = AggregatorRegistry.aggregate(request.responses);
              const promString = registry.metrics();
              request.done(null, promString);
            }
          }
        });
      }
      if (cluster().isWorker) {
        process.on("message", (message) => {
          if (message.type === GET_METRICS_REQ) {
            Promise.all(registries.map((r) => r.getMetricsAsJSON())).then((metrics) => {
              process.send({
                type: GET_METRICS_RES,
                requestId: message.requestId,
                metrics
              });
            }).catch((error) => {
              process.send({
                type: GET_METRICS_RES,
                requestId: message.requestId,
                error: error.message
              });
            });
          }
        });
      }
    }
    module2.exports = AggregatorRegistry;
  }
});

// node_modules/prom-client/index.js
var require_prom_client = __commonJS({
  "node_modules/prom-client/index.js"(exports2) {
    "use strict";
    exports2.register = require_registry().globalRegistry;
    exports2.Registry = require_registry();
    Object.defineProperty(exports2, "contentType", {
      configurable: false,
      enumerable: true,
      get() {
        return exports2.register.contentType;
      },
      set(value) {
        exports2.register.setContentType(value);
      }
    });
    exports2.prometheusContentType = exports2.Registry.PROMETHEUS_CONTENT_TYPE;
    exports2.openMetricsContentType = exports2.Registry.OPENMETRICS_CONTENT_TYPE;
    exports2.validateMetricName = require_validation().validateMetricName;
    exports2.Counter = require_counter();
    exports2.Gauge = require_gauge();
    exports2.Histogram = require_histogram();
    exports2.Summary = require_summary();
    exports2.Pushgateway = require_pushgateway();
    exports2.linearBuckets = require_bucketGenerators().linearBuckets;
    exports2.exponentialBuckets = require_bucketGenerators().exponentialBuckets;
    exports2.collectDefaultMetrics = require_defaultMetrics();
    exports2.aggregators = require_metricAggregators().aggregators;
    exports2.AggregatorRegistry = require_cluster();
  }
});

// dist/config.js
var require_config = __commonJS({
  "dist/config.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.HELP_TEXT = exports2.SETTINGS = exports2.InvalidValue = exports2.ConfigError = exports2.TLS_VERSIONS = exports2.TLS_CLIENT_AUTH = exports2.LOG_LEVELS = exports2.JS_DATA = exports2.JS_MODES = exports2.BACKENDS = void 0;
    exports2.parseConfig = parseConfig;
    var node_fs_1 = require("node:fs");
    var node_os_1 = require("node:os");
    var node_path_1 = require("node:path");
    exports2.BACKENDS = ["auto", "io_uring", "epoll", "iocp"];
    exports2.JS_MODES = ["inline", "threaded"];
    exports2.JS_DATA = ["copied", "borrowed"];
    exports2.LOG_LEVELS = ["debug", "info", "warn", "error"];
    exports2.TLS_CLIENT_AUTH = ["none", "request", "require"];
    exports2.TLS_VERSIONS = ["TLSv1.2", "TLSv1.3"];
    var ConfigError = class extends Error {
      /** Stable error code. */
      code = "ERR_IOCP_TCP_CONFIG";
      name = "ConfigError";
    };
    exports2.ConfigError = ConfigError;
    var InvalidValue = class extends Error {
    };
    exports2.InvalidValue = InvalidValue;
    function integerIn(min, max) {
      return (raw) => {
        const value = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
        if (!(value >= min && value <= max)) {
          throw new InvalidValue(`is not an integer from ${min} to ${max}`);
        }
        return value;
      };
    }
    function oneOf(choices) {
      return (raw) => {
        if (!choices.includes(raw)) {
          throw new InvalidValue(`is not one of ${choices.join(", ")}`);
        }
        return raw;
      };
    }
    function parseHost(raw) {
      if (raw === "" || /\s/.test(raw)) {
        throw new InvalidValue("is not a host name or address (empty or contains whitespace)");
      }
      return raw;
    }
    var BACKEND_PLATFORM = {
      io_uring: "linux",
      epoll: "linux",
      iocp: "win32"
    };
    function parseBackend(raw, ctx) {
      const backend = oneOf(exports2.BACKENDS)(raw);
      if (backend !== "auto" && BACKEND_PLATFORM[backend] !== ctx.platform) {
        throw new InvalidValue(`is only supported on ${BACKEND_PLATFORM[backend]} (this platform is ${ctx.platform})`);
      }
      return backend;
    }
    var BUILTIN_HANDLERS = ["echo", "js-echo"];
    function parseHandler(raw, ctx) {
      if (BUILTIN_HANDLERS.includes(raw))
        return raw;
      const path = (0, node_path_1.resolve)(ctx.cwd, raw);
      if (!(0, node_fs_1.existsSync)(path)) {
        throw new InvalidValue(`is not ${BUILTIN_HANDLERS.join(" or ")} and handler module not found: ${path}`);
      }
      return path;
    }
    function parseFile(raw, ctx) {
      const path = (0, node_path_1.resolve)(ctx.cwd, raw);
      if (!(0, node_fs_1.existsSync)(path))
        throw new InvalidValue(`names no file: ${path}`);
      return path;
    }
    function parseAlpn(raw) {
      const protocols = raw.split(",").map((p) => p.trim());
      if (protocols.some((p) => p === "" || Buffer.byteLength(p) > 255)) {
        throw new InvalidValue("is not a comma-separated list of protocol names (each 1 to 255 bytes)");
      }
      return protocols;
    }
    function fixed(value) {
      return { defaultValue: () => value, defaultText: String(value) };
    }
    exports2.SETTINGS = {
      host: {
        flag: "--host",
        metavar: "<host>",
        env: "IOCP_TCP_HOST",
        ...fixed("0.0.0.0"),
        description: "Address the TCP server listens on.",
        parse: parseHost
      },
      port: {
        flag: "--port",
        metavar: "<port>",
        env: "IOCP_TCP_PORT",
        ...fixed(8090),
        description: "TCP port, 0 to 65535 (0 picks a free port).",
        parse: integerIn(0, 65535)
      },
      metricsHost: {
        flag: "--metrics-host",
        metavar: "<host>",
        env: "IOCP_TCP_METRICS_HOST",
        ...fixed("0.0.0.0"),
        description: "Address of the Prometheus /metrics endpoint.",
        parse: parseHost
      },
      metricsPort: {
        flag: "--metrics-port",
        metavar: "<port>",
        env: "IOCP_TCP_METRICS_PORT",
        ...fixed(9464),
        description: "Port of /metrics, 0 to 65535 (0 picks a free port).",
        parse: integerIn(0, 65535)
      },
      backend: {
        flag: "--backend",
        metavar: "<name>",
        env: "IOCP_TCP_BACKEND",
        ...fixed("auto"),
        description: "auto (io_uring if the kernel and build have it), io_uring, epoll, iocp.",
        parse: parseBackend
      },
      ioThreads: {
        flag: "--io-threads",
        metavar: "<n>",
        env: "IOCP_TCP_IO_THREADS",
        // A core left for the JS thread and the rest of the process: measured on
        // 2 cores, 1 I/O thread serves more per CPU second than 2 (README, Scaling).
        defaultValue: () => Math.min(4, Math.max(1, (0, node_os_1.availableParallelism)() - 1)),
        defaultText: "CPUs - 1, 1 to 4",
        description: "Native I/O threads, 1 to 64 (echo, or --js-mode threaded).",
        parse: integerIn(1, 64)
      },
      handler: {
        flag: "--handler",
        metavar: "<name|path>",
        env: "IOCP_TCP_HANDLER",
        ...fixed("echo"),
        description: "echo (native), js-echo, or a handler module path (see below).",
        parse: parseHandler
      },
      jsMode: {
        flag: "--js-mode",
        metavar: "<mode>",
        env: "IOCP_TCP_JS_MODE",
        ...fixed("inline"),
        description: "A JS handler's engine: inline (on the JS thread) or threaded.",
        parse: oneOf(exports2.JS_MODES)
      },
      jsData: {
        flag: "--js-data",
        metavar: "<kind>",
        env: "IOCP_TCP_JS_DATA",
        ...fixed("copied"),
        description: "A JS handler's 'data': copied (to keep) or borrowed (a view).",
        parse: oneOf(exports2.JS_DATA)
      },
      maxConnections: {
        flag: "--max-connections",
        metavar: "<n>",
        env: "IOCP_TCP_MAX_CONNECTIONS",
        ...fixed(1e4),
        description: "Open connections at most, 0 to 10000000; 0 = unlimited.",
        parse: integerIn(0, 1e7)
      },
      idleTimeoutMs: {
        flag: "--idle-timeout-ms",
        metavar: "<ms>",
        env: "IOCP_TCP_IDLE_TIMEOUT_MS",
        ...fixed(0),
        description: "Reset connections idle this long, 0 to 86400000 ms (a day); 0 = off.",
        parse: integerIn(0, 864e5)
      },
      writeHighWaterBytes: {
        flag: "--write-high-water-bytes",
        metavar: "<n>",
        env: "IOCP_TCP_WRITE_HIGH_WATER_BYTES",
        ...fixed(65536),
        description: "Unsent bytes before a connection pauses, 1024 to 1073741824 (1 GiB).",
        parse: integerIn(1024, 1 << 30)
      },
      bufferBudgetBytes: {
        flag: "--buffer-budget-bytes",
        metavar: "<n>",
        env: "IOCP_TCP_BUFFER_BUDGET_BYTES",
        ...fixed(268435456),
        description: "Bytes all connections may buffer; above it holders pause. 1 MiB to 1 TiB.",
        parse: integerIn(1 << 20, 2 ** 40)
      },
      bufferBudgetGraceMs: {
        flag: "--buffer-budget-grace-ms",
        metavar: "<ms>",
        env: "IOCP_TCP_BUFFER_BUDGET_GRACE_MS",
        ...fixed(1e4),
        description: "Over the budget this long: reset the largest holders, 0 to 3600000 ms.",
        parse: integerIn(0, 36e5)
      },
      keepAliveMs: {
        flag: "--keepalive-ms",
        metavar: "<ms>",
        env: "IOCP_TCP_KEEPALIVE_MS",
        ...fixed(0),
        description: "Keepalive probes after this much silence, 0 to 32767000 ms; 0 = off.",
        parse: integerIn(0, 32767e3)
      },
      keepAliveIntervalMs: {
        flag: "--keepalive-interval-ms",
        metavar: "<ms>",
        env: "IOCP_TCP_KEEPALIVE_INTERVAL_MS",
        ...fixed(0),
        description: "Between unanswered probes, 0 to 32767000 ms; 0 = system default.",
        parse: integerIn(0, 32767e3)
      },
      keepAliveProbes: {
        flag: "--keepalive-probes",
        metavar: "<n>",
        env: "IOCP_TCP_KEEPALIVE_PROBES",
        ...fixed(0),
        description: "Unanswered probes before a connection is dropped, 0 to 127; 0 = default.",
        parse: integerIn(0, 127)
      },
      drainTimeoutMs: {
        flag: "--drain-timeout-ms",
        metavar: "<ms>",
        env: "IOCP_TCP_DRAIN_TIMEOUT_MS",
        ...fixed(1e4),
        description: "Graceful shutdown deadline in ms, 0 to 3600000.",
        parse: integerIn(0, 36e5)
      },
      logLevel: {
        flag: "--log-level",
        metavar: "<level>",
        env: "IOCP_TCP_LOG_LEVEL",
        ...fixed("info"),
        description: "Lowest level logged: debug, info, warn or error.",
        parse: oneOf(exports2.LOG_LEVELS)
      },
      tlsCert: {
        flag: "--tls-cert",
        metavar: "<file>",
        env: "IOCP_TCP_TLS_CERT",
        defaultValue: () => "",
        defaultText: "none (plain TCP)",
        description: "Serve TLS: PEM certificate, then its chain (with --tls-key).",
        parse: parseFile
      },
      tlsKey: {
        flag: "--tls-key",
        metavar: "<file>",
        env: "IOCP_TCP_TLS_KEY",
        defaultValue: () => "",
        defaultText: "none (plain TCP)",
        description: "PEM private key of --tls-cert (unencrypted).",
        parse: parseFile
      },
      tlsPfx: {
        flag: "--tls-pfx",
        metavar: "<file>",
        env: "IOCP_TCP_TLS_PFX",
        defaultValue: () => "",
        defaultText: "none",
        description: "Serve TLS from a PKCS#12 file (instead of --tls-cert, --tls-key).",
        parse: parseFile
      },
      tlsPassphraseFile: {
        flag: "--tls-passphrase-file",
        metavar: "<file>",
        env: "IOCP_TCP_TLS_PASSPHRASE_FILE",
        defaultValue: () => "",
        defaultText: "none",
        description: "File with the passphrase of --tls-key or --tls-pfx.",
        parse: parseFile
      },
      tlsMinVersion: {
        flag: "--tls-min-version",
        metavar: "<version>",
        env: "IOCP_TCP_TLS_MIN_VERSION",
        ...fixed("TLSv1.2"),
        description: "Oldest TLS version accepted: TLSv1.2 or TLSv1.3.",
        parse: oneOf(exports2.TLS_VERSIONS)
      },
      tlsReloadMs: {
        flag: "--tls-reload-ms",
        metavar: "<ms>",
        env: "IOCP_TCP_TLS_RELOAD_MS",
        ...fixed(1e4),
        description: "Read the TLS files again this often, 0 to 3600000 ms; 0 = never.",
        parse: integerIn(0, 36e5)
      },
      tlsCa: {
        flag: "--tls-ca",
        metavar: "<file>",
        env: "IOCP_TCP_TLS_CA",
        defaultValue: () => "",
        defaultText: "none",
        description: "PEM CAs that client certificates must chain to.",
        parse: parseFile
      },
      tlsClientAuth: {
        flag: "--tls-client-auth",
        metavar: "<mode>",
        env: "IOCP_TCP_TLS_CLIENT_AUTH",
        ...fixed("none"),
        description: "Client certificates: none, request or require (needs --tls-ca).",
        parse: oneOf(exports2.TLS_CLIENT_AUTH)
      },
      tlsAlpn: {
        flag: "--tls-alpn",
        metavar: "<list>",
        env: "IOCP_TCP_TLS_ALPN",
        defaultValue: () => [],
        defaultText: "none",
        description: "ALPN protocols, preferred first, comma-separated (e.g. h2,http/1.1).",
        parse: parseAlpn
      }
    };
    var KEYS = Object.keys(exports2.SETTINGS);
    function formatHelp() {
      const rows = KEYS.map((key) => {
        const s = exports2.SETTINGS[key];
        return {
          left: `${s.flag} ${s.metavar}`,
          lines: [`${s.description}`, `env ${s.env}, default: ${s.defaultText}`]
        };
      });
      rows.push({ left: "-h, --help", lines: ["Print this help and exit."] });
      rows.push({ left: "-v, --version", lines: ["Print the version and exit."] });
      const body = rows.flatMap((r) => [`  ${r.left}`, ...r.lines.map((line) => `      ${line}`)]);
      return [
        "Usage: iocp-tcp [options]",
        "",
        "TCP server on a native completion-based engine, with Prometheus metrics.",
        "Each option can also be set by its environment variable; a flag wins over",
        "the variable, an empty variable counts as unset.",
        "",
        "Options:",
        ...body,
        "",
        "Handler modules (--handler <path>):",
        "  A module that exports a function, called with each connection, as",
        "  module.exports, export default or a named export handler.",
        "  CommonJS or ES module (.js, .cjs, .mjs) on every Node this runs on;",
        "  TypeScript (.ts, .mts, .cts) where Node strips types: 22.18+ and 23.6+,",
        "  or 22.6+ with NODE_OPTIONS=--experimental-strip-types; elsewhere compile",
        "  it with tsc and give the .js.",
        ""
      ].join("\n");
    }
    exports2.HELP_TEXT = formatHelp();
    var KEY_BY_FLAG = new Map(KEYS.map((key) => [exports2.SETTINGS[key].flag, key]));
    function readFlags(argv) {
      const values = /* @__PURE__ */ new Map();
      for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (!arg.startsWith("--")) {
          throw new ConfigError(arg.startsWith("-") ? `unknown option ${arg} (see --help)` : `unexpected argument ${JSON.stringify(arg)} (see --help)`);
        }
        const eq = arg.indexOf("=");
        const flag = eq === -1 ? arg : arg.slice(0, eq);
        const key = KEY_BY_FLAG.get(flag);
        if (key === void 0)
          throw new ConfigError(`unknown option ${flag} (see --help)`);
        if (eq !== -1) {
          values.set(key, arg.slice(eq + 1));
          continue;
        }
        const next = argv[i + 1];
        if (next === void 0 || next.startsWith("--")) {
          const s = exports2.SETTINGS[key];
          throw new ConfigError(`missing value for ${flag} ${s.metavar} (or set ${s.env})`);
        }
        values.set(key, next);
        i++;
      }
      return values;
    }
    function resolveSetting(key, flagValue, env, ctx) {
      const s = exports2.SETTINGS[key];
      const envValue = env[s.env] === "" ? void 0 : env[s.env];
      const raw = flagValue ?? envValue;
      if (raw === void 0)
        return s.defaultValue();
      try {
        return s.parse(raw, ctx);
      } catch (err) {
        if (!(err instanceof InvalidValue))
          throw err;
        throw new ConfigError(`invalid ${s.flag} (${s.env}): ${JSON.stringify(raw)} ${err.message}`);
      }
    }
    function parseConfig(argv, env, platform = process.platform, cwd = process.cwd()) {
      if (argv.includes("--help") || argv.includes("-h"))
        return { kind: "help", text: exports2.HELP_TEXT };
      if (argv.includes("--version") || argv.includes("-v"))
        return { kind: "version" };
      const flags = readFlags(argv);
      const ctx = { platform, cwd };
      const config = {};
      for (const key of KEYS) {
        setField(config, key, resolveSetting(key, flags.get(key), env, ctx));
      }
      if (config.tlsCert === "" !== (config.tlsKey === "")) {
        const [given, missing] = config.tlsCert === "" ? [exports2.SETTINGS.tlsKey, exports2.SETTINGS.tlsCert] : [exports2.SETTINGS.tlsCert, exports2.SETTINGS.tlsKey];
        throw new ConfigError(`${given.flag} (${given.env}) needs ${missing.flag} (${missing.env}): TLS takes a certificate and its key`);
      }
      const tls = config;
      if (tls.tlsPfx !== "" && tls.tlsCert !== "") {
        throw new ConfigError(`${exports2.SETTINGS.tlsPfx.flag} (${exports2.SETTINGS.tlsPfx.env}) holds the certificate and key: drop ${exports2.SETTINGS.tlsCert.flag} and ${exports2.SETTINGS.tlsKey.flag}`);
      }
      for (const key of ["tlsCa", "tlsAlpn", "tlsClientAuth", "tlsPassphraseFile"]) {
        const given = key === "tlsClientAuth" ? tls[key] !== "none" : tls[key].length > 0;
        if (given && tls.tlsCert === "" && tls.tlsPfx === "") {
          throw new ConfigError(`${exports2.SETTINGS[key].flag} (${exports2.SETTINGS[key].env}) needs ${exports2.SETTINGS.tlsCert.flag} or ${exports2.SETTINGS.tlsPfx.flag}: TLS is off`);
        }
      }
      if (tls.tlsClientAuth !== "none" !== (tls.tlsCa !== "")) {
        const [given, missing] = tls.tlsCa === "" ? [exports2.SETTINGS.tlsClientAuth, exports2.SETTINGS.tlsCa] : [exports2.SETTINGS.tlsCa, exports2.SETTINGS.tlsClientAuth];
        throw new ConfigError(`${given.flag} (${given.env}) needs ${missing.flag} (${missing.env}): client certificates are checked against the CAs`);
      }
      for (const key of ["keepAliveIntervalMs", "keepAliveProbes"]) {
        if (config[key] > 0 && config.keepAliveMs === 0) {
          throw new ConfigError(`${exports2.SETTINGS[key].flag} (${exports2.SETTINGS[key].env}) needs ${exports2.SETTINGS.keepAliveMs.flag}: keepalive is off`);
        }
      }
      return { kind: "config", config };
    }
    function setField(config, key, value) {
      config[key] = value;
    }
  }
});

// dist/errors.js
var require_errors = __commonJS({
  "dist/errors.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.IocpTcpArgumentError = exports2.IocpTcpError = exports2.ERROR_CODES = void 0;
    exports2.invalidArg = invalidArg;
    exports2.checkCallback = checkCallback;
    exports2.ERROR_CODES = {
      CONFIG: "ERR_IOCP_TCP_CONFIG",
      BACKEND: "ERR_IOCP_TCP_BACKEND",
      INVALID_ARG: "ERR_IOCP_TCP_INVALID_ARG",
      WRITE_AFTER_END: "ERR_IOCP_TCP_WRITE_AFTER_END",
      CONNECTION_CLOSED: "ERR_IOCP_TCP_CONNECTION_CLOSED",
      SERVER_STATE: "ERR_IOCP_TCP_SERVER_STATE",
      HANDLER: "ERR_IOCP_TCP_HANDLER",
      ADDON: "ERR_IOCP_TCP_ADDON",
      /** listen(): OpenSSL refused the certificate or key, or this Node has no OpenSSL 3 to offer. */
      TLS: "ERR_IOCP_TCP_TLS",
      /** node:net's own code, so that code written for node:net's close(callback) works as is. */
      SERVER_NOT_RUNNING: "ERR_SERVER_NOT_RUNNING"
    };
    var IocpTcpError = class extends Error {
      /** Stable error code. */
      code;
      constructor(code, message) {
        super(message);
        this.code = code;
        this.name = "IocpTcpError";
      }
    };
    exports2.IocpTcpError = IocpTcpError;
    var IocpTcpArgumentError = class extends TypeError {
      /** Always ERR_IOCP_TCP_INVALID_ARG. */
      code = exports2.ERROR_CODES.INVALID_ARG;
      name = "IocpTcpArgumentError";
    };
    exports2.IocpTcpArgumentError = IocpTcpArgumentError;
    function invalidArg(message) {
      return new IocpTcpArgumentError(message);
    }
    function checkCallback(callback) {
      if (callback !== void 0 && typeof callback !== "function")
        throw invalidArg("callback must be a function");
    }
  }
});

// dist/handlers/js-echo.js
var require_js_echo = __commonJS({
  "dist/handlers/js-echo.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.default = jsEcho;
    function jsEcho(connection) {
      connection.on("data", (data) => {
        if (!connection.write(data))
          connection.pause();
      });
      connection.on("drain", () => connection.resume());
    }
  }
});

// dist/log.js
var require_log = __commonJS({
  "dist/log.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.createLogger = createLogger;
    var config_1 = require_config();
    function replacer(_key, value) {
      if (value instanceof Error) {
        const { code } = value;
        return { message: value.message, code, stack: value.stack };
      }
      return typeof value === "bigint" ? value.toString() : value;
    }
    function formatLine(level, msg, fields) {
      const head = { time: (/* @__PURE__ */ new Date()).toISOString(), level, msg };
      try {
        return JSON.stringify({ ...head, ...fields, ...head }, replacer) + "\n";
      } catch (err) {
        const logError = `fields not serializable: ${err.message}`;
        return JSON.stringify({ ...head, logError }) + "\n";
      }
    }
    function createLogger(level, write = (line) => {
      process.stdout.write(line);
    }) {
      const min = config_1.LOG_LEVELS.indexOf(level);
      const drop = () => {
      };
      const method = (at) => config_1.LOG_LEVELS.indexOf(at) < min ? drop : (msg, fields) => write(formatLine(at, msg, fields));
      return {
        level,
        debug: method("debug"),
        info: method("info"),
        warn: method("warn"),
        error: method("error")
      };
    }
  }
});

// dist/tls.js
var require_tls = __commonJS({
  "dist/tls.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.HANDSHAKE_RESULTS = void 0;
    exports2.engineTlsOptions = engineTlsOptions;
    exports2.engineCredentials = engineCredentials;
    exports2.tlsSessionInfo = tlsSessionInfo;
    var errors_1 = require_errors();
    exports2.HANDSHAKE_RESULTS = ["ok", "not_tls", "protocol", "certificate", "timeout", "aborted"];
    var CREDENTIAL_NAMES = ["cert", "key", "pfx", "passphrase"];
    var OPTION_NAMES = /* @__PURE__ */ new Set([
      ...CREDENTIAL_NAMES,
      "minVersion",
      "maxVersion",
      "ciphers",
      "ALPNProtocols",
      "requestCert",
      "rejectUnauthorized",
      "ca",
      "handshakeTimeout"
    ]);
    var NOT_YET = /* @__PURE__ */ new Set(["SNICallback", "ecdhCurve", "sessionTimeout", "ticketKeys", "secureContext"]);
    var VERSIONS = ["TLSv1.2", "TLSv1.3"];
    var MAX_HANDSHAKE_TIMEOUT_MS = 2 ** 31 - 1;
    function engineTlsOptions(options) {
      if (typeof options !== "object" || options === null)
        throw (0, errors_1.invalidArg)("tls must be an object with cert and key");
      for (const name of Object.keys(options)) {
        if (NOT_YET.has(name))
          throw (0, errors_1.invalidArg)(`TLS option ${name} is not supported yet`);
        if (!OPTION_NAMES.has(name))
          throw (0, errors_1.invalidArg)(`unknown TLS option ${name}`);
      }
      const { minVersion = "TLSv1.2", maxVersion = "TLSv1.3", ciphers = "", ALPNProtocols = [], requestCert = false, rejectUnauthorized = true, ca = [], handshakeTimeout = 1e4 } = options;
      for (const [name, version] of [["minVersion", minVersion], ["maxVersion", maxVersion]]) {
        if (!VERSIONS.includes(version))
          throw (0, errors_1.invalidArg)(`tls.${name} must be 'TLSv1.2' or 'TLSv1.3'`);
      }
      if (VERSIONS.indexOf(minVersion) > VERSIONS.indexOf(maxVersion))
        throw (0, errors_1.invalidArg)("tls.minVersion is newer than tls.maxVersion");
      if (typeof ciphers !== "string")
        throw (0, errors_1.invalidArg)("tls.ciphers must be a string");
      if (!Array.isArray(ALPNProtocols) || !ALPNProtocols.every((p) => typeof p === "string" && Buffer.byteLength(p) >= 1 && Buffer.byteLength(p) <= 255)) {
        throw (0, errors_1.invalidArg)("tls.ALPNProtocols must be an array of protocol names of 1 to 255 bytes");
      }
      for (const [name, flag] of [["requestCert", requestCert], ["rejectUnauthorized", rejectUnauthorized]]) {
        if (typeof flag !== "boolean")
          throw (0, errors_1.invalidArg)(`tls.${name} must be a boolean`);
      }
      const caList = Array.isArray(ca) ? ca : [ca];
      if (caList.length > 0 && !requestCert)
        throw (0, errors_1.invalidArg)("tls.ca is for client certificates: it needs requestCert: true");
      if (!Number.isInteger(handshakeTimeout) || handshakeTimeout < 1 || handshakeTimeout > MAX_HANDSHAKE_TIMEOUT_MS) {
        throw (0, errors_1.invalidArg)(`tls.handshakeTimeout must be an integer from 1 to ${MAX_HANDSHAKE_TIMEOUT_MS} ms`);
      }
      const entries = ciphers.split(":").filter(Boolean);
      return {
        ...engineCredentials(options, "tls"),
        sni: [],
        minVersion,
        maxVersion,
        ciphers: entries.filter((entry) => !entry.startsWith("TLS_")).join(":"),
        ciphersuites: entries.filter((entry) => entry.startsWith("TLS_")).join(":"),
        alpn: ALPNProtocols,
        ca: caList.map((pem, i) => pemText(pem, `tls.ca[${i}]`)).join("\n"),
        requestCert,
        rejectUnauthorized,
        handshakeTimeoutMs: handshakeTimeout
      };
    }
    function engineCredentials(credentials, what) {
      if (typeof credentials !== "object" || credentials === null)
        throw (0, errors_1.invalidArg)(`${what} must be an object with cert and key, or pfx`);
      const { cert, key, pfx, passphrase = "" } = credentials;
      if (typeof passphrase !== "string")
        throw (0, errors_1.invalidArg)(`${what}.passphrase must be a string`);
      if (pfx !== void 0) {
        if (cert !== void 0 || key !== void 0)
          throw (0, errors_1.invalidArg)(`${what}: pfx holds the certificate and key: give pfx, or cert and key`);
        if (!Buffer.isBuffer(pfx))
          throw (0, errors_1.invalidArg)(`${what}.pfx must be a Buffer (PKCS#12)`);
        return { cert: "", key: "", pfx, passphrase };
      }
      return { cert: pemText(cert, `${what}.cert`), key: pemText(key, `${what}.key`), pfx: void 0, passphrase };
    }
    function pemText(value, name) {
      if (typeof value === "string")
        return value;
      if (Buffer.isBuffer(value))
        return value.toString("latin1");
      throw (0, errors_1.invalidArg)(`${name} must be a PEM string or Buffer`);
    }
    function tlsSessionInfo(text) {
      const [protocol = "", cipher = "", servername = "", alpn = "", ...client] = text.split("\n");
      const info = { protocol, cipher, servername: servername || false, alpnProtocol: alpn || false };
      if (client.length === 0)
        return info;
      const [authorizationError, subject, issuer, notAfter, fingerprint256] = client;
      info.authorizationError = authorizationError || null;
      if (subject !== void 0) {
        info.peerCertificate = { subject: nameFields(subject), issuer: nameFields(issuer), valid_to: opensslDate(Number(notAfter)), fingerprint256 };
      }
      return info;
    }
    function nameFields(oneline) {
      return Object.fromEntries(oneline.split("/").filter(Boolean).map((field) => {
        const at = field.indexOf("=");
        return [field.slice(0, at), field.slice(at + 1)];
      }));
    }
    var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    function opensslDate(seconds) {
      const d = new Date(seconds * 1e3);
      const time = d.toISOString().slice(11, 19);
      return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${time} ${d.getUTCFullYear()} GMT`;
    }
  }
});

// dist/metrics.js
var require_metrics2 = __commonJS({
  "dist/metrics.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.VERSION = exports2.TLS_VERSIONS = exports2.HANDSHAKE_BUCKETS = exports2.DURATION_BUCKETS = exports2.REJECT_REASONS = exports2.DISCONNECT_CAUSES = exports2.METRIC_NAMES = void 0;
    exports2.registerMetrics = registerMetrics;
    var node_fs_1 = require("node:fs");
    var node_path_1 = require("node:path");
    var errors_1 = require_errors();
    var tls_1 = require_tls();
    exports2.METRIC_NAMES = {
      accepted: "iocp_tcp_connections_accepted_total",
      active: "iocp_tcp_connections_active",
      max: "iocp_tcp_connections_max",
      draining: "iocp_tcp_draining",
      threadAccepted: "iocp_tcp_io_thread_connections_accepted_total",
      threadActive: "iocp_tcp_io_thread_connections_active",
      buffered: "iocp_tcp_buffered_bytes",
      overBudget: "iocp_tcp_buffer_budget_exceeded_seconds_total",
      recvBuffersExhausted: "iocp_tcp_recv_buffer_exhausted_total",
      jsCalls: "iocp_tcp_js_calls_total",
      jsEvents: "iocp_tcp_js_events_total",
      rejected: "iocp_tcp_connections_rejected_total",
      acceptErrors: "iocp_tcp_accept_errors_total",
      receivedBytes: "iocp_tcp_received_bytes_total",
      sentBytes: "iocp_tcp_sent_bytes_total",
      disconnects: "iocp_tcp_disconnects_total",
      duration: "iocp_tcp_connection_duration_seconds",
      info: "iocp_tcp_info",
      tlsHandshakes: "iocp_tcp_tls_handshakes_total",
      tlsHandshakeDuration: "iocp_tcp_tls_handshake_duration_seconds",
      tlsNegotiated: "iocp_tcp_tls_negotiated_total",
      tlsCertificateNotAfter: "iocp_tcp_tls_certificate_not_after_seconds"
    };
    exports2.DISCONNECT_CAUSES = [
      "peer_fin",
      "peer_reset",
      "local_close",
      "local_abort",
      "handler_error",
      "idle_timeout",
      "shutdown",
      "buffer_budget",
      "tls_error",
      "error"
    ];
    exports2.REJECT_REASONS = ["max_connections"];
    exports2.DURATION_BUCKETS = [1e-3, 0.01, 0.1, 1, 10, 60, 300, 1800, 3600];
    exports2.HANDSHAKE_BUCKETS = [1e-3, 25e-4, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];
    exports2.TLS_VERSIONS = ["TLSv1.2", "TLSv1.3"];
    exports2.VERSION = JSON.parse((0, node_fs_1.readFileSync)((0, node_path_1.join)(__dirname, "..", "package.json"), "utf8")).version;
    var groups = /* @__PURE__ */ new WeakMap();
    function registerMetrics(registry, source, options = {}) {
      if (typeof options !== "object" || options === null) {
        throw (0, errors_1.invalidArg)("registerMetrics(registry, server[, { server }]): the backend and version now come from the server");
      }
      const { server } = options;
      if (server !== void 0 && (typeof server !== "string" || server === ""))
        throw (0, errors_1.invalidArg)("server must be a non-empty string");
      let group = groups.get(registry);
      if (group && registry.getSingleMetric(exports2.METRIC_NAMES.accepted) === void 0)
        group = void 0;
      if (group) {
        if (group.members.some((member2) => member2.source === source))
          throw (0, errors_1.invalidArg)("this server's metrics are already on this registry");
        if (!group.named || server === void 0) {
          throw (0, errors_1.invalidArg)("iocp-tcp metrics are already on this registry: to register several servers, give each { server: name }");
        }
        if (group.members.some((member2) => member2.labels.server === server))
          throw (0, errors_1.invalidArg)(`a server named ${server} is already on this registry`);
      } else {
        group = createMetrics(registry, server !== void 0);
        groups.set(registry, group);
      }
      const labels = server === void 0 ? {} : { server };
      const member = { source, labels, snapshot: scrapeSnapshot(source), shown: /* @__PURE__ */ new Map(), removers: [] };
      const { members, duration, handshakes, handshakeDuration, negotiated } = group;
      members.push(member);
      const observe = (_cause, seconds) => duration.observe(labels, seconds);
      source.on("disconnect", observe);
      for (const result of tls_1.HANDSHAKE_RESULTS)
        handshakes.inc({ ...labels, result }, 0);
      for (const version of exports2.TLS_VERSIONS)
        negotiated.inc({ ...labels, version }, 0);
      const observeHandshake = (info) => {
        handshakes.inc({ ...labels, result: info.result });
        if (info.result !== "ok")
          return;
        handshakeDuration.observe(labels, info.durationSeconds);
        negotiated.inc({ ...labels, version: info.protocol });
      };
      source.on("tlsHandshake", observeHandshake);
      return () => {
        const at = members.indexOf(member);
        if (at === -1)
          return;
        members.splice(at, 1);
        source.off("disconnect", observe);
        source.off("tlsHandshake", observeHandshake);
        for (const remove of member.removers)
          remove();
        if (server !== void 0) {
          duration.remove(labels);
          handshakeDuration.remove(labels);
          for (const result of tls_1.HANDSHAKE_RESULTS)
            handshakes.remove({ ...labels, result });
          for (const version of exports2.TLS_VERSIONS)
            negotiated.remove({ ...labels, version });
        }
      };
    }
    function createMetrics(registry, named) {
      const { Counter, Gauge, Histogram } = require_prom_client();
      const members = [];
      const registers = [registry];
      const withServer = (labelNames) => named ? ["server", ...labelNames] : labelNames;
      const counter = (name, help, labelNames, read) => {
        new Counter({
          name,
          help,
          labelNames: withServer(labelNames),
          registers,
          collect() {
            for (const member of members) {
              for (const { labels = {}, value } of read(member.snapshot())) {
                const key = `${name}${JSON.stringify(labels)}`;
                const series = { ...member.labels, ...labels };
                if (!member.shown.has(key))
                  member.removers.push(() => this.remove(series));
                this.inc(series, Math.max(0, value - (member.shown.get(key) ?? 0)));
                member.shown.set(key, value);
              }
            }
          }
        });
      };
      const gauge = (name, help, labelNames, read) => {
        new Gauge({
          name,
          help,
          labelNames: withServer(labelNames),
          registers,
          collect() {
            this.reset();
            for (const member of members) {
              for (const { labels = {}, value } of read(member))
                this.set({ ...member.labels, ...labels }, value);
            }
          }
        });
      };
      counter(exports2.METRIC_NAMES.accepted, "TCP connections accepted.", [], (s) => [{ value: s.accepted }]);
      counter(exports2.METRIC_NAMES.acceptErrors, "Failed accepts (descriptor or memory exhaustion, ...).", [], (s) => [
        { value: s.acceptErrors }
      ]);
      counter(exports2.METRIC_NAMES.receivedBytes, "Bytes received from peers.", [], (s) => [{ value: s.receivedBytes }]);
      counter(exports2.METRIC_NAMES.sentBytes, "Bytes sent to peers.", [], (s) => [{ value: s.sentBytes }]);
      counter(exports2.METRIC_NAMES.rejected, "Connections closed at once instead of served, by reason.", ["reason"], (s) => exports2.REJECT_REASONS.map((reason) => ({ labels: { reason }, value: s.rejected[reason] })));
      counter(exports2.METRIC_NAMES.disconnects, "Connections ended, by cause (one cause per connection).", ["cause"], (s) => exports2.DISCONNECT_CAUSES.map((cause) => ({ labels: { cause }, value: s.disconnects[cause] })));
      counter(exports2.METRIC_NAMES.recvBuffersExhausted, "io_uring receives that ended because the buffer ring was empty (re-armed; nothing lost).", [], (s) => [{ value: s.recvBuffersExhausted }]);
      counter(exports2.METRIC_NAMES.overBudget, "Time spent over --buffer-budget-bytes, the connections holding buffered bytes not reading.", [], (s) => [{ value: s.overBudgetSeconds }]);
      counter(exports2.METRIC_NAMES.jsCalls, "Calls into JS that delivered engine events.", [], (s) => [{ value: s.jsCalls }]);
      counter(exports2.METRIC_NAMES.jsEvents, "Engine events delivered to JS (per call: how well they batch).", [], (s) => [{ value: s.jsEvents }]);
      counter(exports2.METRIC_NAMES.threadAccepted, "Connections each I/O thread has taken (they are handed out in turn).", ["thread"], (s) => s.threads.map((thread, i) => ({ labels: { thread: String(i) }, value: thread.accepted })));
      gauge(exports2.METRIC_NAMES.buffered, "Memory holding connection data: send queues and data JS has not taken.", [], (m) => [{ value: m.snapshot().bufferedBytes }]);
      gauge(exports2.METRIC_NAMES.threadActive, "Open connections of each I/O thread.", ["thread"], (m) => m.snapshot().threads.map((thread, i) => ({ labels: { thread: String(i) }, value: thread.open })));
      gauge(exports2.METRIC_NAMES.active, "Open connections: accepted minus disconnects.", [], (m) => {
        const s = m.snapshot();
        return [{ value: s.accepted - exports2.DISCONNECT_CAUSES.reduce((sum, cause) => sum + s.disconnects[cause], 0) }];
      });
      gauge(exports2.METRIC_NAMES.max, "The connection limit (--max-connections); 0 = unlimited.", [], (m) => [{ value: m.source.maxConnections }]);
      gauge(exports2.METRIC_NAMES.draining, "1 while a graceful stop drains open connections, else 0.", [], (m) => [{ value: m.source.draining ? 1 : 0 }]);
      gauge(exports2.METRIC_NAMES.info, "Always 1; labels say what runs.", ["backend", "version"], (m) => [{ labels: { backend: m.source.backend ?? "none", version: exports2.VERSION }, value: 1 }]);
      gauge(exports2.METRIC_NAMES.tlsCertificateNotAfter, "TLS: when the serving certificate expires (Unix time, seconds).", [], (m) => m.source.tlsCertificateNotAfter == null ? [] : [{ value: m.source.tlsCertificateNotAfter }]);
      const duration = new Histogram({
        name: exports2.METRIC_NAMES.duration,
        help: "Lifetime of closed connections.",
        labelNames: withServer([]),
        buckets: exports2.DURATION_BUCKETS,
        registers
      });
      const handshakes = new Counter({
        name: exports2.METRIC_NAMES.tlsHandshakes,
        help: "TLS handshakes by how they ended: ok, not_tls, protocol, timeout, aborted.",
        labelNames: withServer(["result"]),
        registers
      });
      const handshakeDuration = new Histogram({
        name: exports2.METRIC_NAMES.tlsHandshakeDuration,
        help: "TLS: time from accept to a finished handshake.",
        labelNames: withServer([]),
        buckets: exports2.HANDSHAKE_BUCKETS,
        registers
      });
      const negotiated = new Counter({
        name: exports2.METRIC_NAMES.tlsNegotiated,
        help: "TLS handshakes done, by protocol version.",
        labelNames: withServer(["version"]),
        registers
      });
      return { named, members, duration, handshakes, handshakeDuration, negotiated };
    }
    function scrapeSnapshot(source) {
      let cached;
      return () => {
        if (cached === void 0) {
          cached = source.stats();
          queueMicrotask(() => cached = void 0);
        }
        return cached;
      };
    }
  }
});

// dist/metrics-server.js
var require_metrics_server = __commonJS({
  "dist/metrics-server.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.startMetricsServer = startMetricsServer;
    var node_http_1 = require("node:http");
    var RELISTEN_DELAY_MS = 1e3;
    async function startMetricsServer(registry, readiness, host, port, log) {
      const server = (0, node_http_1.createServer)((request, response) => {
        const path = (request.url ?? "/").split("?")[0];
        if (request.method !== "GET" && request.method !== "HEAD") {
          response.writeHead(405, { Allow: "GET, HEAD" }).end();
        } else if (path === "/metrics") {
          registry.metrics().then((text) => response.writeHead(200, { "Content-Type": registry.contentType }).end(text), (err) => response.writeHead(500, { "Content-Type": "text/plain" }).end(`${err.message}
`));
        } else if (path === "/healthz") {
          response.writeHead(200, { "Content-Type": "text/plain" }).end("ok\n");
        } else if (path === "/readyz") {
          const status = readiness.ready ? 200 : 503;
          response.writeHead(status, { "Content-Type": "text/plain" }).end(readiness.ready ? "ready\n" : "not ready\n");
        } else {
          response.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
        }
      });
      await new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      const bound = server.address().port;
      server.on("error", (err) => {
        log.warn("metrics endpoint error", { err });
        if (process.platform !== "win32" || err.syscall !== "accept" && err.syscall !== "listen")
          return;
        if (server.listening)
          server.close();
        setTimeout(() => server.listen(bound, host), RELISTEN_DELAY_MS).unref();
      });
      server.on("listening", () => log.info("metrics endpoint listening", { host, port: bound }));
      return { server, port: bound };
    }
  }
});

// dist/connection-stream.js
var require_connection_stream = __commonJS({
  "dist/connection-stream.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.ConnectionStream = void 0;
    var node_os_1 = require("node:os");
    var node_stream_1 = require("node:stream");
    var ConnectionStream = class extends node_stream_1.Duplex {
      /** The connection this stream reads and writes. */
      connection;
      #pausedConnection = false;
      // the readable side is full: the connection waits for _read()
      #pushedEnd = false;
      #closedAs;
      // why the connection closed (after 'end', the stream lives on)
      // The write or end the connection has not confirmed. A failed one waits
      // for the 'close' that follows at once and says why it failed.
      #inFlight;
      /** @internal Made by Connection.stream(). */
      constructor(connection, options) {
        super({
          // The same mark as the event API's: write() returns false when as many
          // bytes wait unsent as would make the connection's write() return false
          // (writes wait here while the connection sends the one before), and the
          // connection pauses when as many wait unread, as for a for-await loop.
          highWaterMark: options.highWaterMark,
          // As a node:net socket takes it from its server. Without it the stream
          // ends its writable side once its reader has taken the peer's FIN,
          // after what was written through it before: the connection leaves that
          // to the stream, as ending at the FIN itself would cut those writes
          // off. A layer that ends the stream when it is done (TLS, HTTP, a
          // pipeline through a transform) wants it true, as http.Server makes
          // its own sockets.
          allowHalfOpen: options.allowHalfOpen
        });
        this.connection = connection;
        connection.on("data", this.#onData).on("end", this.#onEnd).on("timeout", this.#onTimeout).on("close", this.#onClose);
        if (connection.closed)
          this.destroy();
        else if (options.peerEnded)
          this.#onEnd();
      }
      /** The peer's address (the connection's; so are the four below), as node:net's socket has it. */
      get remoteAddress() {
        return this.connection.remoteAddress;
      }
      /** The peer's port. */
      get remotePort() {
        return this.connection.remotePort;
      }
      /** `'IPv4'` or `'IPv6'`. */
      get remoteFamily() {
        return this.connection.remoteFamily;
      }
      /** The server's address this connection reached. */
      get localAddress() {
        return this.connection.localAddress;
      }
      /** The server's port. */
      get localPort() {
        return this.connection.localPort;
      }
      /** Bytes received so far. */
      get bytesRead() {
        return this.connection.bytesRead;
      }
      /** Bytes passed to the connection's write() so far (what waits in this stream is not counted yet). */
      get bytesWritten() {
        return this.connection.bytesWritten;
      }
      /** The idle time set by setTimeout() in ms (0 = none). */
      get timeout() {
        return this.connection.timeout;
      }
      /** The local end, as node:net's `socket.address()`. */
      address() {
        const { localAddress: address, localPort: port } = this.connection;
        return { address, family: address.includes(":") ? "IPv6" : "IPv4", port };
      }
      /**
       * The connection's setTimeout(ms[, callback]): 'timeout' is emitted here
       * too (`callback` becomes the connection's listener).
       */
      setTimeout(...args) {
        this.connection.setTimeout(...args);
        return this;
      }
      /** The connection's setNoDelay(noDelay = true). */
      setNoDelay(...args) {
        this.connection.setNoDelay(...args);
        return this;
      }
      /** The connection's setKeepAlive(enable, initialDelay, { interval, count }). */
      setKeepAlive(...args) {
        this.connection.setKeepAlive(...args);
        return this;
      }
      _read() {
        if (!this.#pausedConnection)
          return;
        this.#pausedConnection = false;
        this.connection.resume();
      }
      // One connection write per chunk (no copy); the last one's callback says
      // when the kernel has taken them all. Node's Writable calls this one batch
      // at a time (cork() gathers one), so one callback at most is in flight.
      _writev(chunks, callback) {
        if (this.connection.ended)
          return callback(this.#writeAfterEnd());
        const last = chunks.length - 1;
        for (let i = 0; i < last; i++)
          this.connection.write(chunks[i].chunk);
        this.#inFlight = callback;
        this.connection.write(chunks[last].chunk, this.#confirm);
      }
      _final(callback) {
        if (this.connection.closed)
          return callback();
        this.#inFlight = callback;
        this.connection.end(this.#confirm);
      }
      _destroy(err, callback) {
        this.connection.off("data", this.#onData).off("end", this.#onEnd).off("timeout", this.#onTimeout).off("close", this.#onClose);
        const finished = err === null && this.writableFinished;
        if (!this.connection.closed && !finished)
          this.connection.destroy();
        callback(err);
      }
      #confirm = (err) => {
        if (err)
          return;
        const callback = this.#inFlight;
        this.#inFlight = void 0;
        callback();
      };
      #onData = (data) => {
        if (this.push(data) || this.#pausedConnection)
          return;
        this.#pausedConnection = true;
        this.connection.pause();
      };
      #onEnd = () => {
        if (this.#pushedEnd)
          return;
        this.#pushedEnd = true;
        this.push(null);
      };
      #onTimeout = () => {
        this.emit("timeout");
      };
      #onClose = (info) => {
        const failed = this.#inFlight;
        this.#inFlight = void 0;
        this.#closedAs = info.cause;
        const endedInTimeout = info.cause === "idle_timeout" && this.writableEnded;
        const outcome = endedInTimeout ? "end" : info.cause === "error" && errnoName(info.errno) || CLOSE_OUTCOMES[info.cause];
        let error;
        if (outcome === "end") {
          this.#onEnd();
        } else if (outcome === "destroy") {
          this.destroy();
        } else {
          error = streamError(outcome, info.errno, `${outcome}: the connection closed (${info.cause})`, info.cause);
          this.destroy(error);
        }
        failed?.(error ?? this.#writeAfterEnd());
      };
      #writeAfterEnd() {
        const cause = this.#closedAs;
        const why = cause ? `the connection closed (${cause})` : "the connection was ended";
        return streamError("EPIPE", 0, `write EPIPE: ${why}`, cause);
      }
    };
    exports2.ConnectionStream = ConnectionStream;
    var CLOSE_OUTCOMES = {
      peer_fin: "end",
      local_close: "end",
      local_abort: "destroy",
      handler_error: "destroy",
      shutdown: "destroy",
      peer_reset: "ECONNRESET",
      idle_timeout: "ETIMEDOUT",
      buffer_budget: "ENOBUFS",
      tls_error: "EPROTO",
      // the engine's TLS: the peer broke the protocol
      error: "ECONNABORTED"
      // when the errno has no name of its own
    };
    function streamError(code, errno, message, cause) {
      return Object.assign(new Error(message), { code, errno, ...cause ? { disconnectCause: cause } : {} });
    }
    function errnoName(errno) {
      const prefix = process.platform === "win32" ? "WSA" : "";
      const found = Object.entries(node_os_1.constants.errno).find(([name, value]) => value === errno && name.startsWith(prefix));
      return found?.[0].slice(prefix.length);
    }
  }
});

// dist/typed-emitter.js
var require_typed_emitter = __commonJS({
  "dist/typed-emitter.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.TypedEventEmitter = void 0;
    var node_events_1 = require("node:events");
    exports2.TypedEventEmitter = node_events_1.EventEmitter;
  }
});

// dist/connection.js
var require_connection = __commonJS({
  "dist/connection.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.KEEPALIVE_LIMITS = exports2.MAX_TIMEOUT_MS = exports2.Connection = void 0;
    exports2.keepAliveSeconds = keepAliveSeconds;
    var node_string_decoder_1 = require("node:string_decoder");
    var errors_1 = require_errors();
    var connection_stream_1 = require_connection_stream();
    var typed_emitter_1 = require_typed_emitter();
    var Connection = class extends typed_emitter_1.TypedEventEmitter {
      /** Engine id; never reused for another connection. */
      id;
      remoteAddress;
      remotePort;
      /** `'IPv6'` for an IPv6 peer (an IPv4 peer of a `::` listener shows as `::ffff:a.b.c.d`), else `'IPv4'`. */
      remoteFamily;
      /** The server's address this connection reached. */
      localAddress;
      localPort;
      #context;
      #bytesRead = 0;
      #bytesWritten = 0;
      #bytesSent = 0;
      #ended = false;
      // end() or destroy() called
      #destroyed = false;
      #peerEnded = false;
      #closed = false;
      #userPaused = false;
      #closeCause = "local_abort";
      // set before #closed
      #needDrain = false;
      #timeout = 0;
      #inTimeout = false;
      // a 'timeout' listener runs: its end()/destroy() counts as idle_timeout
      // write()/end() callbacks, each waiting for bytesSent to reach its offset.
      #callbacks = [];
      #reader;
      // a for-await loop reading this connection
      #tls;
      // what the handshake settled, on a TLS server
      #decoder;
      // set by setEncoding(): strings instead of Buffers
      #stream;
      // made by stream(): it reads this connection
      /** @internal Created by the server for each accepted connection. */
      constructor(context, id, remote, local, tls) {
        super({ captureRejections: true });
        this.#context = context;
        this.#tls = tls;
        this.id = id;
        this.remoteAddress = remote.address;
        this.remotePort = remote.port;
        this.remoteFamily = familyOf(remote.address);
        this.localAddress = local.address;
        this.localPort = local.port;
      }
      /** True on a TLS server (the handshake is done by the time 'connection' fires), as node:tls's TLSSocket. */
      get encrypted() {
        return this.#tls !== void 0;
      }
      /** The negotiated TLS version (`'TLSv1.3'`, `'TLSv1.2'`), or null without TLS. */
      getProtocol() {
        return this.#tls?.protocol ?? null;
      }
      /** The negotiated cipher suite by OpenSSL's name and the protocol version, or null without TLS. */
      getCipher() {
        return this.#tls ? { name: this.#tls.cipher, version: this.#tls.protocol } : null;
      }
      /** The host name the client asked for (SNI), or false (also without TLS), as node:tls's `servername`. */
      get servername() {
        return this.#tls?.servername ?? false;
      }
      /** The protocol ALPN settled on (`ALPNProtocols`), or false, as node:tls's `alpnProtocol`. */
      get alpnProtocol() {
        return this.#tls?.alpnProtocol ?? false;
      }
      /**
       * With `requestCert`: whether the client's certificate chains to `ca`
       * (with `rejectUnauthorized`, the default, an unauthorized client never
       * gets this far). False without TLS or without requestCert.
       */
      get authorized() {
        return this.#tls?.authorizationError === null;
      }
      /** Why the client is not authorized (node:tls's codes, e.g. `'DEPTH_ZERO_SELF_SIGNED_CERT'`, or `'NO_PEER_CERTIFICATE'`); undefined when it is. */
      get authorizationError() {
        return this.#tls?.authorizationError ?? void 0;
      }
      /** The client's certificate (with `requestCert`), or `{}` when there is none, as node:tls's. */
      getPeerCertificate() {
        return this.#tls?.peerCertificate ?? {};
      }
      /** @internal EventEmitter calls this when a listener's promise rejects. */
      [/* @__PURE__ */ Symbol.for("nodejs.rejection")](err) {
        this.#context.onHandlerError(this, err);
      }
      /** Bytes received so far. */
      get bytesRead() {
        return this.#bytesRead;
      }
      /** Bytes passed to write()/end() so far, sent or not. */
      get bytesWritten() {
        return this.#bytesWritten;
      }
      /** True once end() or destroy() was called, or the connection closed. */
      get ended() {
        return this.#ended;
      }
      /** True once 'close' was emitted. */
      get closed() {
        return this.#closed;
      }
      /** Bytes written but not yet handed to the kernel (as far as JS knows). */
      get writableLength() {
        return this.#bytesWritten - this.#bytesSent;
      }
      /**
       * As node:net: `'open'`; `'readOnly'` after end() (the peer may still
       * send); `'writeOnly'` after the peer's FIN (allowHalfOpen); `'closed'`.
       */
      get readyState() {
        if (this.#closed || this.#destroyed || this.#ended && this.#peerEnded)
          return "closed";
        if (this.#ended)
          return "readOnly";
        return this.#peerEnded ? "writeOnly" : "open";
      }
      /** The idle time set by setTimeout() in ms (0 = none). */
      get timeout() {
        return this.#timeout;
      }
      /** The local end (the server's address this connection reached), as node:net's socket.address(). */
      address() {
        return { address: this.localAddress, family: familyOf(this.localAddress), port: this.localPort };
      }
      /**
       * As node:net: from now on 'data' listeners and `for await` get strings
       * decoded with `encoding` (default 'utf8'); a character split across
       * chunks waits for its last bytes, and an unfinished one comes out as
       * U+FFFD before 'end'. There is no way back to Buffers: null is refused
       * (node:net takes it for 'utf8'). Returns this connection, typed as one
       * that reads strings.
       */
      setEncoding(encoding = "utf8") {
        if (typeof encoding !== "string" || !Buffer.isEncoding(encoding))
          throw (0, errors_1.invalidArg)(`unknown encoding ${String(encoding)}`);
        if (this.#stream)
          throw new errors_1.IocpTcpError(errors_1.ERROR_CODES.SERVER_STATE, "the connection is read by its stream(): call the stream's setEncoding()");
        this.#decoder = new node_string_decoder_1.StringDecoder(encoding);
        return this;
      }
      write(data, encoding, callback) {
        if (typeof encoding === "function")
          [encoding, callback] = [void 0, encoding];
        const bytes = toBuffer(data, encoding);
        (0, errors_1.checkCallback)(callback);
        if (this.#closed) {
          if (callback)
            process.nextTick(callback, this.#closedError());
          return false;
        }
        if (this.#ended)
          throw new errors_1.IocpTcpError(errors_1.ERROR_CODES.WRITE_AFTER_END, "write() after end()");
        this.#bytesWritten += bytes.length;
        const full = this.writableLength >= this.#context.writeHighWaterBytes;
        if (full)
          this.#needDrain = true;
        if (callback)
          this.#callbacks.push({ offset: this.#bytesWritten, callback });
        this.#context.commands.write(this.id, bytes, full || callback !== void 0);
        return !full;
      }
      end(data, encoding, callback) {
        if (typeof data === "function")
          [data, encoding, callback] = [void 0, void 0, data];
        if (typeof encoding === "function")
          [encoding, callback] = [void 0, encoding];
        const bytes = data === void 0 ? void 0 : toBuffer(data, encoding);
        (0, errors_1.checkCallback)(callback);
        if (this.#closed) {
          if (callback)
            process.nextTick(callback, this.#closedError());
          return;
        }
        if (this.#destroyed) {
          if (callback)
            this.#callbacks.push({ offset: Infinity, callback });
          return;
        }
        if (this.#ended) {
          if (bytes !== void 0 && bytes.length > 0)
            throw new errors_1.IocpTcpError(errors_1.ERROR_CODES.WRITE_AFTER_END, "end(data) after end()");
          if (callback) {
            this.#callbacks.push({ offset: this.#bytesWritten, callback });
            this.#context.commands.end(this.id, void 0, true);
          }
          return;
        }
        this.#ended = true;
        if (bytes !== void 0)
          this.#bytesWritten += bytes.length;
        if (callback)
          this.#callbacks.push({ offset: this.#bytesWritten, callback });
        const cause = this.#inTimeout ? this.#context.causeIndex("idle_timeout") : void 0;
        this.#context.commands.end(this.id, bytes, callback !== void 0, cause);
      }
      /** Stops reading from the peer (its sends then back up in TCP) until resume(). */
      pause() {
        this.#userPaused = true;
        this.#followPause();
      }
      /** Reads from the peer again after pause() (a for-await loop that is behind keeps it paused). */
      resume() {
        this.#userPaused = false;
        this.#followPause();
      }
      // The engine reads while neither the handler nor a lagging for-await loop paused it.
      #followPause() {
        if (this.#closed)
          return;
        if (this.#userPaused || this.#reader?.paused) {
          this.#context.commands.pause(this.id);
        } else {
          this.#context.commands.resume(this.id);
        }
      }
      /**
       * Closes at once with RST, dropping unsent data (cause `local_abort`;
       * `idle_timeout` when called from a 'timeout' listener).
       */
      destroy() {
        this.#abort(this.#inTimeout ? "idle_timeout" : "local_abort");
      }
      /** @internal A listener failed: reset, cause `handler_error`. */
      destroyForHandlerError() {
        this.#abort("handler_error");
      }
      #abort(cause) {
        if (this.#closed || this.#destroyed)
          return;
        this.#ended = true;
        this.#destroyed = true;
        this.#context.commands.destroy(this.id, this.#context.causeIndex(cause));
      }
      /**
       * TCP_NODELAY: true (the server's default, see the `noDelay` option) sends
       * each write at once; false lets the kernel coalesce small writes (Nagle).
       */
      setNoDelay(noDelay = true) {
        if (!this.#closed)
          this.#context.engine.setNoDelay(this.id, Boolean(noDelay));
        return this;
      }
      /**
       * TCP keepalive, as node:net's `setKeepAlive(enable, initialDelay)`, plus
       * what node:net cannot set: the interval between unanswered probes and
       * their count. Times in ms, rounded up to whole seconds (what Linux and
       * Windows take); 0 keeps the system's value.
       */
      setKeepAlive(enable = false, initialDelay = 0, probes = {}) {
        const seconds = keepAliveSeconds(Boolean(enable), initialDelay, probes.interval ?? 0, probes.count ?? 0);
        if (!this.#closed)
          this.#context.engine.setKeepAlive(this.id, ...seconds);
        return this;
      }
      /**
       * Emits 'timeout' after `ms` without traffic either way (checked every
       * 100 ms), counted from the last traffic or from this call, whichever is
       * later; 0 turns it off. As in node:net the connection stays open: the
       * listener decides (calling setTimeout() again there arms the next one).
       * An end() or destroy() in a 'timeout' listener counts as cause `idle_timeout`.
       */
      setTimeout(ms, callback) {
        if (typeof ms !== "number" || !(ms >= 0 && ms <= exports2.MAX_TIMEOUT_MS)) {
          throw (0, errors_1.invalidArg)(`timeout must be a number from 0 to ${exports2.MAX_TIMEOUT_MS} ms`);
        }
        ms = Math.ceil(ms);
        if (callback !== void 0) {
          if (typeof callback !== "function")
            throw (0, errors_1.invalidArg)("callback must be a function");
          if (ms === 0)
            this.off("timeout", callback);
          else
            this.once("timeout", callback);
        }
        this.#timeout = ms;
        if (!this.#closed)
          this.#context.engine.setTimeout(this.id, ms);
        return this;
      }
      /**
       * Reads the connection chunk by chunk. The connection is paused while
       * `writeHighWaterBytes` wait unread in the iterator. The loop ends after the
       * peer's FIN, or when this side closed it; a close for any other cause
       * (peer_reset, idle_timeout, shutdown, ...) throws
       * ERR_IOCP_TCP_CONNECTION_CLOSED. Leaving the loop early (break, throw)
       * before the peer's FIN destroys the connection, as node:net's iterator does.
       */
      async *[Symbol.asyncIterator]() {
        if (this.#reader)
          throw new errors_1.IocpTcpError(errors_1.ERROR_CODES.SERVER_STATE, "the connection is already being iterated");
        if (this.#stream)
          throw new errors_1.IocpTcpError(errors_1.ERROR_CODES.SERVER_STATE, "the connection is read by its stream(): iterate that instead");
        const reader = { queue: [], queued: 0, paused: false, endPending: false, done: this.#peerEnded || this.#closed };
        if (this.#closed && !QUIET_CLOSES.has(this.#closeCause))
          reader.failure = this.#closedError("while reading");
        this.#reader = reader;
        let complete = false;
        try {
          for (; ; ) {
            while (reader.queue.length === 0 && !reader.done)
              await new Promise((resolve) => reader.wake = resolve);
            reader.wake = void 0;
            const entry = reader.queue.shift();
            if (entry === void 0)
              break;
            reader.queued -= entry.bytes;
            if (reader.paused && reader.queued < this.#context.writeHighWaterBytes) {
              reader.paused = false;
              this.#followPause();
            }
            yield entry.chunk;
          }
          if (reader.failure)
            throw reader.failure;
          complete = true;
        } finally {
          this.#reader = void 0;
          if (reader.paused)
            this.#followPause();
          if (reader.endPending && !this.#closed)
            this.#guarded(() => this.#emitEnd());
          if (!complete && !reader.failure && !reader.done) {
            setImmediate(() => {
              if (!this.#ended)
                this.destroy();
            });
          }
        }
      }
      /**
       * This connection as a node:stream Duplex, for what takes a socket
       * (tls.TLSSocket, http.Server, stream.pipeline): made on the first call,
       * the same object after. It reads the connection from then on (data that
       * came before is not in it; 'data' listeners here still get every chunk),
       * so a `for await` loop over the connection is refused, and the stream's
       * own pause() is the one to use. See README, "connection.stream()".
       */
      stream() {
        if (this.#stream)
          return this.#stream;
        if (this.#decoder)
          throw new errors_1.IocpTcpError(errors_1.ERROR_CODES.SERVER_STATE, "setEncoding() was called: a stream reads bytes (use the stream's setEncoding())");
        if (this.#reader)
          throw new errors_1.IocpTcpError(errors_1.ERROR_CODES.SERVER_STATE, "the connection is being iterated by for await: one reader at a time");
        const { writeHighWaterBytes: highWaterMark, allowHalfOpen } = this.#context;
        this.#stream = new connection_stream_1.ConnectionStream(this, { highWaterMark, allowHalfOpen, peerEnded: this.#peerEnded });
        return this.#stream;
      }
      #closedError(when = "before the data was sent") {
        const err = new errors_1.IocpTcpError(errors_1.ERROR_CODES.CONNECTION_CLOSED, `the connection closed (${this.#closeCause}) ${when}`);
        return Object.assign(err, { disconnectCause: this.#closeCause });
      }
      // Every data, end, drain and close event says how many bytes the kernel has
      // taken, so writableLength follows the real queue and write callbacks run.
      #sent(bytesSent) {
        this.#bytesSent = bytesSent;
        while (this.#callbacks.length > 0 && this.#callbacks[0].offset <= bytesSent) {
          const { callback } = this.#callbacks.shift();
          this.#guarded(() => callback());
        }
      }
      /** @internal A `for await` loop or the stream reads it: its chunks are kept, so never borrowed. */
      get keepsChunks() {
        return this.#reader !== void 0 || this.#stream !== void 0;
      }
      /** @internal */
      handleData(data, bytesSent) {
        this.#sent(bytesSent);
        this.#bytesRead += data.length;
        const chunk = this.#decoder === void 0 ? data : this.#decoder.write(data);
        if (chunk.length > 0)
          this.#deliver(chunk, data.length);
      }
      // To a for-await loop, if one reads, and to the 'data' listeners.
      #deliver(chunk, bytes) {
        const reader = this.#reader;
        if (reader) {
          reader.queue.push({ chunk, bytes });
          reader.queued += bytes;
          if (reader.queued >= this.#context.writeHighWaterBytes && !reader.paused) {
            reader.paused = true;
            this.#followPause();
          }
          reader.wake?.();
        }
        this.emit("data", chunk);
      }
      /** @internal */
      handleEnd(bytesSent) {
        this.#sent(bytesSent);
        const unfinished = this.#decoder?.end();
        if (unfinished)
          this.#deliver(unfinished, 0);
        this.#peerEnded = true;
        const reader = this.#reader;
        if (reader) {
          reader.done = true;
          reader.wake?.();
          if (reader.queue.length > 0) {
            reader.endPending = true;
            return;
          }
        }
        this.#emitEnd();
      }
      #emitEnd() {
        this.emit("end");
        if (!this.#context.allowHalfOpen && !this.#stream)
          this.end();
      }
      // A listener run outside the server's dispatch: its failure is a handler error all the same.
      #guarded(run) {
        try {
          run();
        } catch (err) {
          this.#context.onHandlerError(this, err);
        }
      }
      /** @internal */
      handleDrain(bytesSent) {
        this.#sent(bytesSent);
        if (this.#needDrain && this.writableLength < this.#context.writeHighWaterBytes) {
          this.#needDrain = false;
          this.emit("drain");
        }
      }
      /** @internal */
      handleTimeout() {
        this.#inTimeout = true;
        try {
          this.emit("timeout");
        } finally {
          this.#inTimeout = false;
        }
      }
      /** @internal */
      handleClose(info, bytesSent) {
        this.#ended = true;
        this.#closed = true;
        this.#closeCause = info.cause;
        const reader = this.#reader;
        if (reader) {
          reader.endPending = false;
          if (!reader.done && !QUIET_CLOSES.has(info.cause))
            reader.failure = this.#closedError("while reading");
          reader.done = true;
          reader.wake?.();
        }
        this.#sent(bytesSent);
        for (const { callback } of this.#callbacks.splice(0)) {
          const err = this.#closedError();
          this.#guarded(() => callback(err));
        }
        this.emit("close", info);
      }
    };
    exports2.Connection = Connection;
    exports2.MAX_TIMEOUT_MS = 2 ** 31 - 1;
    exports2.KEEPALIVE_LIMITS = { seconds: 32767, count: 127 };
    function keepAliveSeconds(enable, idleMs, intervalMs, count) {
      const toSeconds = (name, ms) => {
        const maxMs = exports2.KEEPALIVE_LIMITS.seconds * 1e3;
        if (typeof ms !== "number" || !(ms >= 0 && ms <= maxMs))
          throw (0, errors_1.invalidArg)(`${name} must be a number from 0 to ${maxMs} ms`);
        return Math.ceil(ms / 1e3);
      };
      if (!Number.isSafeInteger(count) || count < 0 || count > exports2.KEEPALIVE_LIMITS.count) {
        throw (0, errors_1.invalidArg)(`keepalive probe count must be an integer from 0 to ${exports2.KEEPALIVE_LIMITS.count}`);
      }
      return [enable ? 1 : 0, toSeconds("keepalive initial delay", idleMs), toSeconds("keepalive interval", intervalMs), count];
    }
    var QUIET_CLOSES = /* @__PURE__ */ new Set(["peer_fin", "local_close", "local_abort"]);
    function familyOf(address) {
      return address.includes(":") ? "IPv6" : "IPv4";
    }
    function isDetached(buffer) {
      const detached = buffer.detached;
      if (detached !== void 0)
        return detached;
      try {
        structuredClone(buffer);
        return false;
      } catch {
        return true;
      }
    }
    function toBuffer(data, encoding) {
      if (typeof data === "string")
        return Buffer.from(data, encoding);
      if (data.length === 0 && isDetached(data.buffer)) {
        throw (0, errors_1.invalidArg)("data is a detached buffer: a borrowed 'data' chunk kept after its listener returned?");
      }
      if (Buffer.isBuffer(data))
        return data;
      if (data instanceof Uint8Array)
        return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      throw (0, errors_1.invalidArg)("data must be a string, Buffer or Uint8Array");
    }
  }
});

// dist/commands.js
var require_commands = __commonJS({
  "dist/commands.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.CommandQueue = void 0;
    var FLUSH_BYTES = 64 * 1024;
    var KIND = { write: 0, end: 1, destroy: 2, pause: 3, resume: 4 };
    var Numbers = class {
      array = new Float64Array(64);
      length = 0;
      push(...values) {
        if (this.length + values.length > this.array.length) {
          const grown = new Float64Array(this.array.length * 2);
          grown.set(this.array);
          this.array = grown;
        }
        for (const value of values)
          this.array[this.length++] = value;
      }
    };
    var CommandQueue = class {
      #engine;
      #commands = new Numbers();
      // (kind, id, flag, cause) quads
      #payloads = [];
      #acks = new Numbers();
      // (id, bytes) pairs
      #bytes = 0;
      // of the writes queued
      #scheduled = false;
      #holding = false;
      // an event batch is being dispatched: it flushes at its end
      /**
       * The engine's receive region: a write of a view into it (a borrowed 'data'
       * chunk) is copied as the engine takes it, since the next delivery reuses it.
       */
      region;
      /** The engine to submit to; until it is set (and after detach()) commands are dropped. */
      attach(engine) {
        this.#engine = engine;
      }
      write(id, data, notifyDrain) {
        this.#push(KIND.write, id, notifyDrain, -1, data);
      }
      /** `cause`: the engine's index of local_close (or idle_timeout); -1 for the default. */
      end(id, data, notifyDrain, cause = -1) {
        this.#push(KIND.end, id, notifyDrain, cause, data);
      }
      destroy(id, cause = -1) {
        this.#push(KIND.destroy, id, false, cause, void 0);
      }
      pause(id) {
        this.#push(KIND.pause, id, false, -1, void 0);
      }
      resume(id) {
        this.#push(KIND.resume, id, false, -1, void 0);
      }
      /** JS has taken `bytes` of the connection's data events: reading may go on. */
      ack(id, bytes) {
        this.#acks.push(id, bytes);
        this.#schedule();
      }
      /** Runs `dispatch` with the queue held: what it asks goes to the engine in one call at its end. */
      hold(dispatch) {
        this.#holding = true;
        try {
          dispatch();
        } finally {
          this.#holding = false;
          this.flush();
        }
      }
      /** Hands everything gathered to the engine now (which takes what it needs during the call). */
      flush() {
        this.#scheduled = false;
        const commands = this.#commands;
        const acks = this.#acks;
        if (commands.length === 0 && acks.length === 0)
          return;
        try {
          this.#engine?.submit(commands.array, commands.length / 4, this.#payloads, acks.array, acks.length / 2);
        } finally {
          commands.length = 0;
          acks.length = 0;
          this.#payloads.length = 0;
          this.#bytes = 0;
        }
      }
      // The flag number: bit 0 asks for a drain event, bit 1 says the bytes are the region's.
      #push(kind, id, notifyDrain, cause, payload) {
        const inRegion = payload !== void 0 && payload.buffer === this.region ? 2 : 0;
        this.#commands.push(kind, id, (notifyDrain ? 1 : 0) | inRegion, cause);
        this.#payloads.push(payload);
        this.#bytes += payload?.length ?? 0;
        if (this.#bytes >= FLUSH_BYTES)
          this.flush();
        else
          this.#schedule();
      }
      #schedule() {
        if (this.#holding || this.#scheduled)
          return;
        this.#scheduled = true;
        queueMicrotask(() => {
          if (this.#scheduled)
            this.flush();
        });
      }
    };
    exports2.CommandQueue = CommandQueue;
  }
});

// dist/platforms.js
var require_platforms = __commonJS({
  "dist/platforms.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.PREBUILDS = void 0;
    exports2.currentHost = currentHost;
    exports2.describeLoadFailure = describeLoadFailure;
    exports2.PREBUILDS = [
      { folder: "linux-x64", libcFloor: "glibc 2.31", backends: ["io_uring", "epoll"] },
      { folder: "linux-arm64", libcFloor: "glibc 2.31", backends: ["io_uring", "epoll"] },
      { folder: "win32-x64", libcFloor: "Windows 10 / Server 2016", backends: ["iocp"] }
    ];
    function currentHost() {
      const arch = process.env.npm_config_arch || process.arch;
      if (process.platform !== "linux")
        return { platform: process.platform, arch };
      const header = process.report?.getReport()?.header;
      const glibc = header?.glibcVersionRuntime;
      return { platform: process.platform, arch, libc: glibc ? `glibc ${glibc}` : "musl" };
    }
    function buildRequirements(host) {
      if (host.platform === "win32") {
        return 'Visual Studio Build Tools with the "Desktop development with C++" workload and Python 3';
      }
      if (host.platform === "linux") {
        return "a C++ compiler, make, Python 3 and, for io_uring, liburing 2.3 or newer: Debian/Ubuntu `apt-get install g++ make python3 liburing-dev`, Fedora/RHEL `dnf install gcc-c++ make python3 liburing-devel`, Alpine `apk add g++ make python3 linux-headers liburing-dev` (without liburing the build has the epoll backend only)";
      }
      return "a C++ compiler, make and Python 3 (no backend exists for this platform yet: Linux and Windows only)";
    }
    function describeLoadFailure(host, cause) {
      const system = [host.platform, host.arch, host.libc].filter(Boolean).join(" ");
      const prebuilds = exports2.PREBUILDS.map((p) => `${p.folder} (${p.libcFloor} or newer)`).join(", ");
      return [
        `no build of the native addon loads on this system (${system}).`,
        `Prebuilt: ${prebuilds}. Elsewhere the addon is built from source when the package is installed, and that build failed or did not run.`,
        `To build it: install ${buildRequirements(host)}; then run \`npm rebuild iocp-tcp\`.`,
        `Why: ${cause.trim().split("\n")[0]}`
      ].join("\n");
    }
  }
});

// node_modules/node-gyp-build/node-gyp-build.js
var require_node_gyp_build = __commonJS({
  "node_modules/node-gyp-build/node-gyp-build.js"(exports2, module2) {
    var fs = require("fs");
    var path = require("path");
    var os = require("os");
    var runtimeRequire = typeof __webpack_require__ === "function" ? __non_webpack_require__ : require;
    var vars = process.config && process.config.variables || {};
    var prebuildsOnly = !!process.env.PREBUILDS_ONLY;
    var abi = process.versions.modules;
    var runtime = isElectron() ? "electron" : isNwjs() ? "node-webkit" : "node";
    var arch = process.env.npm_config_arch || os.arch();
    var platform = process.env.npm_config_platform || os.platform();
    var libc = process.env.LIBC || (isAlpine(platform) ? "musl" : "glibc");
    var armv = process.env.ARM_VERSION || (arch === "arm64" ? "8" : vars.arm_version) || "";
    var uv = (process.versions.uv || "").split(".")[0];
    module2.exports = load;
    function load(dir) {
      return runtimeRequire(load.resolve(dir));
    }
    load.resolve = load.path = function(dir) {
      dir = path.resolve(dir || ".");
      try {
        var name = runtimeRequire(path.join(dir, "package.json")).name.toUpperCase().replace(/-/g, "_");
        if (process.env[name + "_PREBUILD"]) dir = process.env[name + "_PREBUILD"];
      } catch (err) {
      }
      if (!prebuildsOnly) {
        var release = getFirst(path.join(dir, "build/Release"), matchBuild);
        if (release) return release;
        var debug = getFirst(path.join(dir, "build/Debug"), matchBuild);
        if (debug) return debug;
      }
      var prebuild = resolve(dir);
      if (prebuild) return prebuild;
      var nearby = resolve(path.dirname(process.execPath));
      if (nearby) return nearby;
      var target = [
        "platform=" + platform,
        "arch=" + arch,
        "runtime=" + runtime,
        "abi=" + abi,
        "uv=" + uv,
        armv ? "armv=" + armv : "",
        "libc=" + libc,
        "node=" + process.versions.node,
        process.versions.electron ? "electron=" + process.versions.electron : "",
        typeof __webpack_require__ === "function" ? "webpack=true" : ""
        // eslint-disable-line
      ].filter(Boolean).join(" ");
      throw new Error("No native build was found for " + target + "\n    loaded from: " + dir + "\n");
      function resolve(dir2) {
        var tuples = readdirSync(path.join(dir2, "prebuilds")).map(parseTuple);
        var tuple = tuples.filter(matchTuple(platform, arch)).sort(compareTuples)[0];
        if (!tuple) return;
        var prebuilds = path.join(dir2, "prebuilds", tuple.name);
        var parsed = readdirSync(prebuilds).map(parseTags);
        var candidates = parsed.filter(matchTags(runtime, abi));
        var winner = candidates.sort(compareTags(runtime))[0];
        if (winner) return path.join(prebuilds, winner.file);
      }
    };
    function readdirSync(dir) {
      try {
        return fs.readdirSync(dir);
      } catch (err) {
        return [];
      }
    }
    function getFirst(dir, filter) {
      var files = readdirSync(dir).filter(filter);
      return files[0] && path.join(dir, files[0]);
    }
    function matchBuild(name) {
      return /\.node$/.test(name);
    }
    function parseTuple(name) {
      var arr = name.split("-");
      if (arr.length !== 2) return;
      var platform2 = arr[0];
      var architectures = arr[1].split("+");
      if (!platform2) return;
      if (!architectures.length) return;
      if (!architectures.every(Boolean)) return;
      return { name, platform: platform2, architectures };
    }
    function matchTuple(platform2, arch2) {
      return function(tuple) {
        if (tuple == null) return false;
        if (tuple.platform !== platform2) return false;
        return tuple.architectures.includes(arch2);
      };
    }
    function compareTuples(a, b) {
      return a.architectures.length - b.architectures.length;
    }
    function parseTags(file) {
      var arr = file.split(".");
      var extension = arr.pop();
      var tags = { file, specificity: 0 };
      if (extension !== "node") return;
      for (var i = 0; i < arr.length; i++) {
        var tag = arr[i];
        if (tag === "node" || tag === "electron" || tag === "node-webkit") {
          tags.runtime = tag;
        } else if (tag === "napi") {
          tags.napi = true;
        } else if (tag.slice(0, 3) === "abi") {
          tags.abi = tag.slice(3);
        } else if (tag.slice(0, 2) === "uv") {
          tags.uv = tag.slice(2);
        } else if (tag.slice(0, 4) === "armv") {
          tags.armv = tag.slice(4);
        } else if (tag === "glibc" || tag === "musl") {
          tags.libc = tag;
        } else {
          continue;
        }
        tags.specificity++;
      }
      return tags;
    }
    function matchTags(runtime2, abi2) {
      return function(tags) {
        if (tags == null) return false;
        if (tags.runtime && tags.runtime !== runtime2 && !runtimeAgnostic(tags)) return false;
        if (tags.abi && tags.abi !== abi2 && !tags.napi) return false;
        if (tags.uv && tags.uv !== uv) return false;
        if (tags.armv && tags.armv !== armv) return false;
        if (tags.libc && tags.libc !== libc) return false;
        return true;
      };
    }
    function runtimeAgnostic(tags) {
      return tags.runtime === "node" && tags.napi;
    }
    function compareTags(runtime2) {
      return function(a, b) {
        if (a.runtime !== b.runtime) {
          return a.runtime === runtime2 ? -1 : 1;
        } else if (a.abi !== b.abi) {
          return a.abi ? -1 : 1;
        } else if (a.specificity !== b.specificity) {
          return a.specificity > b.specificity ? -1 : 1;
        } else {
          return 0;
        }
      };
    }
    function isNwjs() {
      return !!(process.versions && process.versions.nw);
    }
    function isElectron() {
      if (process.versions && process.versions.electron) return true;
      if (process.env.ELECTRON_RUN_AS_NODE) return true;
      return typeof window !== "undefined" && window.process && window.process.type === "renderer";
    }
    function isAlpine(platform2) {
      return platform2 === "linux" && fs.existsSync("/etc/alpine-release");
    }
    load.parseTags = parseTags;
    load.matchTags = matchTags;
    load.compareTags = compareTags;
    load.parseTuple = parseTuple;
    load.matchTuple = matchTuple;
    load.compareTuples = compareTuples;
  }
});

// node_modules/node-gyp-build/index.js
var require_node_gyp_build2 = __commonJS({
  "node_modules/node-gyp-build/index.js"(exports2, module2) {
    var runtimeRequire = typeof __webpack_require__ === "function" ? __non_webpack_require__ : require;
    if (typeof runtimeRequire.addon === "function") {
      module2.exports = runtimeRequire.addon.bind(runtimeRequire);
    } else {
      module2.exports = require_node_gyp_build();
    }
  }
});

// dist/native.js
var require_native = __commonJS({
  "dist/native.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.STATS = exports2.RECORD_SIZE = exports2.EVENT = void 0;
    exports2.loadNative = loadNative;
    var node_path_1 = require("node:path");
    var errors_1 = require_errors();
    var platforms_1 = require_platforms();
    exports2.EVENT = { open: 0, data: 1, end: 2, drain: 3, close: 4, stopped: 5, acceptFailed: 6, timeout: 7, rejected: 8, handshake: 9 };
    exports2.RECORD_SIZE = 6;
    exports2.STATS = {
      accepted: 0,
      acceptErrors: 1,
      rejectedMaxConnections: 2,
      receivedBytes: 3,
      sentBytes: 4,
      bufferedBytes: 5,
      overBudgetSeconds: 6,
      recvBuffersExhausted: 7,
      jsCalls: 8,
      jsEvents: 9,
      firstCause: 10
    };
    var binding;
    function loadNative() {
      const override = process.env.IOCP_TCP_ADDON;
      try {
        binding ??= override ? require(override) : require_node_gyp_build2()((0, node_path_1.join)(__dirname, ".."));
      } catch (err) {
        const reason = err.message;
        if (override)
          throw new errors_1.IocpTcpError(errors_1.ERROR_CODES.ADDON, `IOCP_TCP_ADDON=${override} does not load: ${reason}`);
        throw new errors_1.IocpTcpError(errors_1.ERROR_CODES.ADDON, (0, platforms_1.describeLoadFailure)((0, platforms_1.currentHost)(), reason));
      }
      return binding;
    }
  }
});

// dist/server.js
var require_server = __commonJS({
  "dist/server.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.Server = void 0;
    exports2.createServer = createServer;
    var promises_1 = require("node:dns/promises");
    var connection_1 = require_connection();
    var errors_1 = require_errors();
    var commands_1 = require_commands();
    var native_1 = require_native();
    var tls_1 = require_tls();
    var typed_emitter_1 = require_typed_emitter();
    var Server = class extends typed_emitter_1.TypedEventEmitter {
      #options;
      #engine;
      #address = null;
      #connections = /* @__PURE__ */ new Map();
      #causes;
      #stopped;
      #onStopped;
      #joined = false;
      #starting = false;
      // listen() is resolving its host
      #drainDeadline = Infinity;
      // when close() closes what is still open
      #refed = true;
      #commands = new commands_1.CommandQueue();
      #context;
      #regionBytes = Buffer.alloc(0);
      // over the engine's receive region (the command queue's `region`)
      #tlsNotAfter = null;
      #checkBorrowed = process.env.IOCP_TCP_CHECK_BORROWED === "1";
      constructor(options = {}, onConnection) {
        super({ captureRejections: true });
        this.#options = validateOptions(options, onConnection !== void 0);
        this.#causes = (0, native_1.loadNative)().causes;
        this.#context = {
          commands: this.#commands,
          engine: void 0,
          // set by listen(), before any connection exists
          allowHalfOpen: this.#options.allowHalfOpen,
          writeHighWaterBytes: this.#options.writeHighWaterBytes,
          causeIndex: (cause) => this.#causes.indexOf(cause),
          // The same connection the 'connection' event gave, whatever setEncoding() made of its type.
          onHandlerError: (connection, err) => this.#handlerFailed(connection, err)
        };
        if (onConnection)
          this.on("connection", onConnection);
        const followDropListeners = (event) => {
          if (event === "drop")
            queueMicrotask(() => this.#engine?.reportRejections(this.listenerCount("drop") > 0));
        };
        this.on("newListener", followDropListeners).on("removeListener", followDropListeners);
      }
      /** The backend that runs; null until listen() has started the engine. */
      get backend() {
        return this.#engine?.backend ?? null;
      }
      /** The connection limit the server was created with (0 = unlimited). */
      get maxConnections() {
        return this.#options.maxConnections;
      }
      /** True from close() until the engine has stopped: the listener is closed, open connections drain. */
      get draining() {
        return this.#stopped !== void 0 && !this.#joined;
      }
      /** True while the server accepts connections: after listen(), before close(). */
      get listening() {
        return this.#engine !== void 0 && this.#stopped === void 0;
      }
      async listen(...args) {
        if (this.#joined)
          throw new errors_1.IocpTcpError(errors_1.ERROR_CODES.SERVER_STATE, "the server is closed: create a new one to listen again");
        if (this.#engine || this.#starting)
          throw new errors_1.IocpTcpError(errors_1.ERROR_CODES.SERVER_STATE, "the server is already listening");
        const { port = 0, host: name = "0.0.0.0", backlog, callback } = listenArguments(args);
        if (typeof name !== "string")
          throw (0, errors_1.invalidArg)("host must be a string");
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw (0, errors_1.invalidArg)("port must be an integer from 0 to 65535");
        if (backlog !== void 0 && !(Number.isInteger(backlog) && backlog >= 0))
          throw (0, errors_1.invalidArg)("backlog must be an integer of at least 0");
        this.#starting = true;
        let address;
        try {
          ({ address } = await (0, promises_1.lookup)(name, { verbatim: true }));
        } finally {
          this.#starting = false;
        }
        const { Engine } = (0, native_1.loadNative)();
        const { handler, backend, ioThreads, writeHighWaterBytes, maxConnections, idleTimeoutMs, bufferBudgetBytes, bufferBudgetGraceMs, noDelay } = this.#options;
        const { keepAlive, keepAliveInitialDelay, keepAliveInterval, keepAliveCount } = this.#options;
        const engine = new Engine({
          backend,
          ioThreads,
          handler,
          inline: this.#options.inline,
          writeHighWater: writeHighWaterBytes,
          maxConnections,
          idleTimeoutMs,
          bufferBudgetBytes,
          bufferBudgetGraceMs,
          noDelay,
          keepAlive: (0, connection_1.keepAliveSeconds)(keepAlive, keepAliveInitialDelay, keepAliveInterval, keepAliveCount),
          tls: this.#options.tls
        }, (records, count, extras, region) => this.#dispatch(records, count, extras, region));
        if (!this.#refed)
          engine.ref(false);
        engine.reportRejections(this.listenerCount("drop") > 0);
        try {
          this.#address = engine.listen(address, port);
        } catch (err) {
          engine.join();
          throw err;
        }
        this.#engine = engine;
        if (this.#options.tls)
          this.#tlsNotAfter = engine.tlsNotAfter();
        this.#context.engine = engine;
        this.#commands.attach(engine);
        if (callback)
          process.nextTick(callback);
        return this.#address;
      }
      /**
       * TLS: new connections get this certificate and these settings, as with
       * node:tls's setSecureContext(); open connections keep theirs. Throws
       * ERR_IOCP_TCP_TLS if OpenSSL refuses them (the server goes on with what it
       * had), ERR_IOCP_TCP_SERVER_STATE on a server made without `tls`.
       */
      setSecureContext(options) {
        const current = this.#tlsOptions();
        this.#applyTls({ ...(0, tls_1.engineTlsOptions)(options), sni: current.sni });
      }
      /**
       * TLS, SNI: clients that ask for `hostname` (`'*.example.com'` matches one
       * label before it) get this certificate, with the server's other TLS
       * settings; as node:tls's addContext(). From then on for new connections;
       * the same hostname again replaces its certificate. Throws as setSecureContext().
       */
      addContext(hostname, credentials) {
        if (typeof hostname !== "string" || !/^(\*\.)?[^*\s]+$/.test(hostname))
          throw (0, errors_1.invalidArg)("hostname must be a host name, or *. and one");
        const current = this.#tlsOptions();
        const named = { servername: hostname, ...(0, tls_1.engineCredentials)(credentials, `addContext(${hostname})`) };
        this.#applyTls({ ...current, sni: [...current.sni.filter((entry) => entry.servername !== hostname), named] });
      }
      #tlsOptions() {
        if (!this.#options.tls)
          throw new errors_1.IocpTcpError(errors_1.ERROR_CODES.SERVER_STATE, "not a TLS server: create it with the tls option");
        return this.#options.tls;
      }
      // The engine makes a new context from them (OpenSSL's refusal throws, and changes nothing).
      #applyTls(tls) {
        if (this.#engine && !this.#joined) {
          this.#engine.setTls(tls);
          this.#tlsNotAfter = this.#engine.tlsNotAfter();
        }
        this.#options.tls = tls;
      }
      /** TLS: when the serving certificate expires, in Unix seconds (from listen() on); null without TLS. */
      get tlsCertificateNotAfter() {
        return this.#tlsNotAfter;
      }
      /** Open connections now (any handler); `callback`, if given, gets the count as node:net's does. */
      getConnections(callback) {
        const count = this.stats().threads.reduce((sum, thread) => sum + thread.open, 0);
        if (callback !== void 0)
          process.nextTick(callback, null, count);
        return count;
      }
      /** Lets the process exit while the server listens (as node:net); ref() undoes it. */
      unref() {
        this.#refed = false;
        if (this.#engine && !this.#joined)
          this.#engine.ref(false);
        return this;
      }
      /** The server keeps the process alive while it listens (the default). */
      ref() {
        this.#refed = true;
        if (this.#engine && !this.#joined)
          this.#engine.ref(true);
        return this;
      }
      /** The bound address, or null before listen() and once closed (as node:net). */
      address() {
        return this.#joined ? null : this.#address;
      }
      close(options = {}, callback) {
        if (typeof options === "function")
          [options, callback] = [{}, options];
        (0, errors_1.checkCallback)(callback);
        if (callback) {
          if (this.#engine && !this.#joined)
            this.once("close", () => callback());
          else
            process.nextTick(callback, new errors_1.IocpTcpError(errors_1.ERROR_CODES.SERVER_NOT_RUNNING, "the server is not running"));
        }
        const { drainTimeoutMs = 1e4 } = options;
        if (typeof drainTimeoutMs !== "number" || !(drainTimeoutMs >= 0 && drainTimeoutMs <= connection_1.MAX_TIMEOUT_MS)) {
          throw (0, errors_1.invalidArg)(`drainTimeoutMs must be a number from 0 to ${connection_1.MAX_TIMEOUT_MS}`);
        }
        if (!this.#engine)
          return Promise.resolve();
        const deadline = Date.now() + drainTimeoutMs;
        if (this.#joined || this.#stopped && deadline >= this.#drainDeadline)
          return this.#stopped;
        this.#drainDeadline = deadline;
        this.#stopped ??= new Promise((resolve) => this.#onStopped = resolve);
        this.#commands.flush();
        this.#engine.close(drainTimeoutMs);
        return this.#stopped;
      }
      /** Counters of the engine (read on every call; cheap). */
      stats() {
        const raw = this.#engine?.stats();
        const at = (i) => raw ? raw[i] : 0;
        const disconnects = {};
        this.#causes.forEach((cause, i) => disconnects[cause] = at(native_1.STATS.firstCause + i));
        const threads = [];
        for (let i = native_1.STATS.firstCause + this.#causes.length; raw && i + 1 < raw.length; i += 2) {
          threads.push({ accepted: raw[i], open: raw[i] - raw[i + 1] });
        }
        return {
          accepted: at(native_1.STATS.accepted),
          acceptErrors: at(native_1.STATS.acceptErrors),
          rejected: { max_connections: at(native_1.STATS.rejectedMaxConnections) },
          receivedBytes: at(native_1.STATS.receivedBytes),
          sentBytes: at(native_1.STATS.sentBytes),
          bufferedBytes: at(native_1.STATS.bufferedBytes),
          overBudgetSeconds: at(native_1.STATS.overBudgetSeconds),
          recvBuffersExhausted: at(native_1.STATS.recvBuffersExhausted),
          jsCalls: at(native_1.STATS.jsCalls),
          jsEvents: at(native_1.STATS.jsEvents),
          disconnects,
          threads
        };
      }
      // One call per batch of engine events; extras hold addresses and data in
      // order. What the listeners ask, and the acks of the data they took (the
      // engine stops reading a connection while more than the high-water mark
      // waits here), go back in one call at the end of the batch.
      #dispatch(records, count, extras, region) {
        const checked = region !== void 0 && this.#options.borrowed && this.#checkBorrowed ? region.slice(0) : void 0;
        const current = checked ?? region;
        if (current !== void 0 && current !== this.#commands.region)
          this.#useRegion(current);
        try {
          this.#commands.hold(() => this.#dispatchRecords(records, count * native_1.RECORD_SIZE, extras ?? []));
        } finally {
          if (checked) {
            this.#useRegion(void 0);
            structuredClone(checked, { transfer: [checked] });
          }
        }
      }
      #useRegion(region) {
        this.#regionBytes = region ? Buffer.from(region) : Buffer.alloc(0);
        this.#commands.region = region;
      }
      #dispatchRecords(records, end, extras) {
        let extra = 0;
        for (let i = 0; i < end; i += native_1.RECORD_SIZE) {
          const type = records[i];
          const id = records[i + 1];
          if (type === native_1.EVENT.open) {
            const remote = { address: extras[extra++], port: records[i + 2] };
            const local = { address: extras[extra++], port: records[i + 3] };
            const tls = this.#options.tls ? (0, tls_1.tlsSessionInfo)(extras[extra++]) : void 0;
            const connection = new connection_1.Connection(this.#context, id, remote, local, tls);
            this.#connections.set(id, connection);
            this.#guard(connection, () => this.emit("connection", connection));
          } else if (type === native_1.EVENT.data) {
            const length = records[i + 3];
            if (!this.#options.inline)
              this.#commands.ack(id, length);
            const connection = this.#connections.get(id);
            if (connection && !connection.closed) {
              const start = records[i + 2];
              let data;
              if (this.#options.borrowed && !connection.keepsChunks) {
                data = Buffer.from(this.#regionBytes.buffer, this.#regionBytes.byteOffset + start, length);
              } else {
                data = Buffer.allocUnsafe(length);
                this.#regionBytes.copy(data, 0, start, start + length);
              }
              this.#guard(connection, () => connection.handleData(data, records[i + 5]));
            }
          } else if (type === native_1.EVENT.end) {
            const connection = this.#connections.get(id);
            if (connection)
              this.#guard(connection, () => connection.handleEnd(records[i + 5]));
          } else if (type === native_1.EVENT.drain) {
            const connection = this.#connections.get(id);
            if (connection)
              this.#guard(connection, () => connection.handleDrain(records[i + 5]));
          } else if (type === native_1.EVENT.timeout) {
            const connection = this.#connections.get(id);
            if (connection)
              this.#guard(connection, () => connection.handleTimeout());
          } else if (type === native_1.EVENT.rejected) {
            this.#emitSafely("drop", { reason: "max_connections", remoteAddress: extras[extra++], remotePort: records[i + 2] });
          } else if (type === native_1.EVENT.handshake) {
            const result = tls_1.HANDSHAKE_RESULTS[records[i + 2]];
            const text = extras[extra++];
            this.#emitSafely("tlsHandshake", result === "ok" ? { result, durationSeconds: records[i + 3], protocol: text } : { result, durationSeconds: records[i + 3], reason: text });
          } else if (type === native_1.EVENT.close) {
            this.#closeConnection(id, records[i + 2], records[i + 3], records[i + 4], records[i + 5]);
          } else if (type === native_1.EVENT.stopped) {
            this.#finishClose();
          } else if (type === native_1.EVENT.acceptFailed) {
            const code = extras[extra++];
            const failure = Object.assign(new Error(`accept ${code}`), { code, errno: records[i + 4], syscall: "accept", retryInMs: records[i + 2] });
            this.#emitSafely("acceptError", failure);
          }
        }
      }
      #closeConnection(id, causeIndex, durationSeconds, errno, bytesSent) {
        const info = { cause: this.#causes[causeIndex], errno, durationSeconds };
        const connection = this.#connections.get(id);
        this.#connections.delete(id);
        if (connection)
          this.#guard(connection, () => connection.handleClose(info, bytesSent));
        this.#emitSafely("disconnect", info.cause, durationSeconds);
      }
      #finishClose() {
        this.#engine.join();
        this.#joined = true;
        this.#commands.attach(void 0);
        this.#connections.clear();
        this.#onStopped?.();
        this.#emitSafely("close");
      }
      /** @internal EventEmitter calls this when a listener's promise rejects. */
      [/* @__PURE__ */ Symbol.for("nodejs.rejection")](err, event, ...args) {
        if (event === "connection")
          this.#handlerFailed(args[0], err);
        else
          throwLater(err);
      }
      // A throwing listener costs only its own connection; the rest of the batch goes on.
      #guard(connection, run) {
        try {
          run();
        } catch (err) {
          this.#handlerFailed(connection, err);
        }
      }
      #handlerFailed(connection, err) {
        connection.destroyForHandlerError();
        if (this.listenerCount("handlerError") === 0)
          return throwLater(err);
        this.#emitSafely("handlerError", err instanceof Error ? err : new Error(`handler threw ${String(err)}`), connection);
      }
      // The engine's events arrive in batches: a listener that throws must not
      // lose the rest of the batch (other connections' closes, the stop), so its
      // error surfaces as an uncaught exception once the batch is done.
      #emitSafely(event, ...args) {
        try {
          this.emit(event, ...args);
        } catch (err) {
          throwLater(err);
        }
      }
    };
    exports2.Server = Server;
    var LISTEN_OPTION_NAMES = /* @__PURE__ */ new Set(["port", "host", "backlog"]);
    function listenArguments(args) {
      const callback = typeof args[args.length - 1] === "function" ? args.pop() : void 0;
      if (typeof args[0] === "object" && args[0] !== null) {
        const unknown = Object.keys(args[0]).filter((name) => !LISTEN_OPTION_NAMES.has(name));
        if (unknown.length > 0)
          throw (0, errors_1.invalidArg)(`unknown listen option ${unknown.join(", ")}`);
        const { port: port2, host: host2, backlog } = args[0];
        return { port: port2, host: host2, backlog, callback };
      }
      const [port, ...rest] = args;
      const host = typeof rest[0] === "string" ? rest.shift() : void 0;
      return { port, host, backlog: rest[0], callback };
    }
    function throwLater(err) {
      queueMicrotask(() => {
        throw err;
      });
    }
    function createServer(options = {}, onConnection) {
      return typeof options === "function" ? new Server({}, options) : new Server(options, onConnection);
    }
    var OPTION_NAMES = /* @__PURE__ */ new Set([
      "handler",
      "inline",
      "borrowed",
      "backend",
      "ioThreads",
      "allowHalfOpen",
      "writeHighWaterBytes",
      "maxConnections",
      "idleTimeoutMs",
      "bufferBudgetBytes",
      "bufferBudgetGraceMs",
      "noDelay",
      "keepAlive",
      "keepAliveInitialDelay",
      "keepAliveInterval",
      "keepAliveCount",
      "tls"
    ]);
    function validateOptions(options, hasListener) {
      if (typeof options !== "object" || options === null)
        throw (0, errors_1.invalidArg)("options must be an object");
      const unknown = Object.keys(options).filter((name) => !OPTION_NAMES.has(name));
      if (unknown.length > 0)
        throw (0, errors_1.invalidArg)(`unknown option ${unknown.join(", ")}`);
      if (options.handler === "echo" && hasListener) {
        throw (0, errors_1.invalidArg)("option handler 'echo' serves connections natively and never calls a connection listener: drop one of them");
      }
      const resolved = {
        handler: options.handler ?? (hasListener ? "js" : "echo"),
        inline: options.inline ?? (options.handler ?? (hasListener ? "js" : "echo")) === "js",
        borrowed: options.borrowed ?? false,
        backend: options.backend ?? "auto",
        ioThreads: options.ioThreads ?? 1,
        allowHalfOpen: options.allowHalfOpen ?? false,
        writeHighWaterBytes: options.writeHighWaterBytes ?? 64 * 1024,
        maxConnections: options.maxConnections ?? 0,
        idleTimeoutMs: options.idleTimeoutMs ?? 0,
        bufferBudgetBytes: options.bufferBudgetBytes ?? 256 * 1024 * 1024,
        bufferBudgetGraceMs: options.bufferBudgetGraceMs ?? 1e4,
        noDelay: options.noDelay ?? true,
        keepAlive: options.keepAlive ?? false,
        keepAliveInitialDelay: options.keepAliveInitialDelay ?? 0,
        keepAliveInterval: options.keepAliveInterval ?? 0,
        keepAliveCount: options.keepAliveCount ?? 0,
        tls: options.tls === void 0 ? void 0 : (0, tls_1.engineTlsOptions)(options.tls)
      };
      for (const name of ["inline", "borrowed", "allowHalfOpen", "noDelay", "keepAlive"]) {
        if (typeof resolved[name] !== "boolean")
          throw (0, errors_1.invalidArg)(`${name} must be a boolean`);
      }
      (0, connection_1.keepAliveSeconds)(resolved.keepAlive, resolved.keepAliveInitialDelay, resolved.keepAliveInterval, resolved.keepAliveCount);
      if (resolved.handler !== "echo" && resolved.handler !== "js")
        throw (0, errors_1.invalidArg)("handler must be 'echo' or 'js'");
      if (!Number.isInteger(resolved.ioThreads) || resolved.ioThreads < 1 || resolved.ioThreads > 64) {
        throw (0, errors_1.invalidArg)("ioThreads must be an integer from 1 to 64");
      }
      if (resolved.inline && resolved.handler === "echo") {
        throw (0, errors_1.invalidArg)("option inline runs a JS handler on the JS thread; handler 'echo' has threads of its own: drop one of them");
      }
      if (resolved.inline && resolved.ioThreads > 1) {
        throw (0, errors_1.invalidArg)("option ioThreads is for inline: false (or the native echo); inline, the engine runs on the one JS thread");
      }
      const minimums = [
        ["writeHighWaterBytes", 1],
        ["maxConnections", 0],
        ["idleTimeoutMs", 0],
        ["bufferBudgetBytes", 1 << 20],
        ["bufferBudgetGraceMs", 0]
      ];
      for (const [name, min] of minimums) {
        const value = resolved[name];
        if (!Number.isSafeInteger(value) || value < min)
          throw (0, errors_1.invalidArg)(`${name} must be an integer of at least ${min}`);
      }
      return resolved;
    }
  }
});

// dist/tls-reload.js
var require_tls_reload = __commonJS({
  "dist/tls-reload.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.credentialsOf = credentialsOf;
    exports2.reloadCertificates = reloadCertificates;
    var promises_1 = require("node:fs/promises");
    function credentialsOf(bytes, passphrase) {
      return bytes.pfx ? { pfx: bytes.pfx, passphrase } : { cert: bytes.cert, key: bytes.key, passphrase };
    }
    function reloadCertificates(server, files, passphrase, settings, loaded, intervalMs, log) {
      const names = Object.keys(files);
      const paths = files;
      const same = (a, b) => b !== void 0 && names.every((name) => a[name].equals(b[name]));
      let current = loaded;
      let refused;
      let busy = false;
      const check = async () => {
        if (busy)
          return;
        busy = true;
        try {
          const next = {};
          for (const name of names)
            next[name] = await (0, promises_1.readFile)(paths[name]);
          if (same(next, current) || same(next, refused))
            return;
          try {
            server.setSecureContext({ ...settings, ...credentialsOf(next, passphrase) });
            current = next;
            refused = void 0;
            log.info("TLS certificate reloaded", { files, notAfter: new Date(server.tlsCertificateNotAfter * 1e3).toISOString() });
          } catch (err) {
            refused = next;
            log.error("TLS certificate not reloaded; the one before stays", { files, code: err.code, message: err.message });
          }
        } catch (err) {
          log.debug("TLS files not readable now", { message: err.message });
        } finally {
          busy = false;
        }
      };
      const timer = setInterval(() => void check(), intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    }
  }
});

// dist/stop-signals.js
var require_stop_signals = __commonJS({
  "dist/stop-signals.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.onStopRequest = onStopRequest;
    exports2.consoleStopsCutShort = consoleStopsCutShort;
    var native_1 = require_native();
    function onStopRequest(onStop) {
      process.on("SIGINT", () => onStop("SIGINT"));
      process.on("SIGTERM", () => onStop("SIGTERM"));
      if (process.platform === "win32")
        (0, native_1.loadNative)().watchConsoleStop(onStop);
    }
    function consoleStopsCutShort(drainTimeoutMs) {
      const limits = (0, native_1.loadNative)().consoleStopLimits();
      if (!limits)
        return {};
      const byEvent = { CTRL_CLOSE: limits.close, CTRL_LOGOFF: limits.logoff, CTRL_SHUTDOWN: limits.shutdown };
      return Object.fromEntries(Object.entries(byEvent).filter(([, limitMs]) => limitMs < drainTimeoutMs));
    }
  }
});

// dist/service.js
var require_service = __commonJS({
  "dist/service.js"(exports2) {
    "use strict";
    var __importDefault = exports2 && exports2.__importDefault || function(mod) {
      return mod && mod.__esModule ? mod : { "default": mod };
    };
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.EXIT = void 0;
    exports2.main = main;
    exports2.loadHandler = loadHandler;
    var node_child_process_1 = require("node:child_process");
    var node_fs_1 = require("node:fs");
    var node_url_1 = require("node:url");
    var prom_client_1 = require_prom_client();
    var config_1 = require_config();
    var errors_1 = require_errors();
    var js_echo_1 = __importDefault(require_js_echo());
    var log_1 = require_log();
    var metrics_1 = require_metrics2();
    var metrics_server_1 = require_metrics_server();
    var server_1 = require_server();
    var tls_reload_1 = require_tls_reload();
    var stop_signals_1 = require_stop_signals();
    exports2.EXIT = { ok: 0, failure: 1, usage: 2 };
    async function main(argv, env) {
      let config;
      let handler;
      let tls;
      try {
        const parsed = (0, config_1.parseConfig)(argv, env);
        if (parsed.kind === "help") {
          process.stdout.write(parsed.text);
          return exports2.EXIT.ok;
        }
        if (parsed.kind === "version") {
          process.stdout.write(`${metrics_1.VERSION}
`);
          return exports2.EXIT.ok;
        }
        config = parsed.config;
        handler = await loadHandler(config.handler);
        tls = readTls(config, env);
      } catch (err) {
        if (!(err instanceof config_1.ConfigError || err instanceof errors_1.IocpTcpError))
          throw err;
        process.stderr.write(`iocp-tcp: ${err.message}
`);
        return exports2.EXIT.usage;
      }
      const log = (0, log_1.createLogger)(config.logLevel);
      return serve(config, handler, tls, log);
    }
    async function loadHandler(name) {
      if (name === "echo")
        return "echo";
      if (name === "js-echo")
        return js_echo_1.default;
      let loaded;
      try {
        loaded = await import((0, node_url_1.pathToFileURL)(name).href);
      } catch (err) {
        throw new errors_1.IocpTcpError(errors_1.ERROR_CODES.HANDLER, whyNotLoaded(name, err));
      }
      const exported = loaded.default;
      const candidates = [exported, exported?.default, exported?.handler, loaded.handler];
      const found = candidates.find((candidate) => typeof candidate === "function");
      if (!found) {
        throw new errors_1.IocpTcpError(errors_1.ERROR_CODES.HANDLER, `handler module ${name} exports no function (module.exports, export default or handler)`);
      }
      return found;
    }
    function whyNotLoaded(name, err) {
      if (err.code === "ERR_UNKNOWN_FILE_EXTENSION" && /\.[mc]?ts$/.test(name)) {
        return `${name}: this Node (${process.version}) cannot run TypeScript: compile it with tsc to .js, or use Node 22.18+ or 23.6+ (or 22.6+ with NODE_OPTIONS=--experimental-strip-types)`;
      }
      return `cannot load handler module ${name}: ${whereItFailed(name, err)}`;
    }
    function whereItFailed(name, err) {
      if (!(err instanceof SyntaxError))
        return err.message;
      const place = placeIn(err.stack) ?? placeIn((0, node_child_process_1.spawnSync)(process.execPath, [...process.execArgv, "--check", name], { encoding: "utf8" }).stderr);
      return place ? `${err.message} at ${place}` : err.message;
    }
    function placeIn(text) {
      const first = text?.split(/\r?\n/)[0] ?? "";
      return /:\d+$/.test(first) ? first : void 0;
    }
    function readTls(config, env) {
      if (config.tlsCert === "" && config.tlsPfx === "")
        return void 0;
      const read = (path, flag) => {
        try {
          return (0, node_fs_1.readFileSync)(path);
        } catch (err) {
          throw new config_1.ConfigError(`${flag} ${path} cannot be read: ${err.code ?? err.message}`);
        }
      };
      const files = config.tlsPfx !== "" ? { pfx: config.tlsPfx } : { cert: config.tlsCert, key: config.tlsKey };
      const loaded = Object.fromEntries(Object.entries(files).map(([name, path]) => [name, read(path, `--tls-${name}`)]));
      const passphrase = config.tlsPassphraseFile !== "" ? read(config.tlsPassphraseFile, "--tls-passphrase-file").toString("utf8").replace(/\r?\n$/, "") : env.IOCP_TCP_TLS_PASSPHRASE ?? "";
      return {
        files,
        loaded,
        passphrase,
        settings: {
          minVersion: config.tlsMinVersion,
          ALPNProtocols: config.tlsAlpn,
          ...config.tlsClientAuth === "none" ? {} : {
            requestCert: true,
            rejectUnauthorized: config.tlsClientAuth === "require",
            ca: read(config.tlsCa, "--tls-ca")
          }
        }
      };
    }
    async function serve(config, handler, tls, log) {
      const options = {
        backend: config.backend,
        ioThreads: config.ioThreads,
        maxConnections: config.maxConnections,
        idleTimeoutMs: config.idleTimeoutMs,
        writeHighWaterBytes: config.writeHighWaterBytes,
        bufferBudgetBytes: config.bufferBudgetBytes,
        bufferBudgetGraceMs: config.bufferBudgetGraceMs,
        keepAlive: config.keepAliveMs > 0,
        keepAliveInitialDelay: config.keepAliveMs,
        keepAliveInterval: config.keepAliveIntervalMs,
        keepAliveCount: config.keepAliveProbes,
        ...tls ? { tls: { ...tls.settings, ...(0, tls_reload_1.credentialsOf)(tls.loaded, tls.passphrase) } } : {}
      };
      let server;
      try {
        const inline = handler !== "echo" && config.jsMode === "inline";
        server = handler === "echo" ? (0, server_1.createServer)({ ...options, handler: "echo" }) : (0, server_1.createServer)({ ...options, handler: "js", inline, borrowed: config.jsData === "borrowed", ioThreads: inline ? 1 : config.ioThreads }, handler);
      } catch (err) {
        if (err.code !== errors_1.ERROR_CODES.ADDON)
          throw err;
        process.stderr.write(`iocp-tcp: ${err.message}
`);
        return exports2.EXIT.failure;
      }
      server.on("handlerError", (err, connection) => log.error("handler threw; connection destroyed", { err, connection: connection.id }));
      if (log.level === "debug") {
        logDetails(server, log);
      } else {
        server.on("acceptError", logAtMostEverySecond(log, "accept failed; the listener keeps going"));
      }
      try {
        await server.listen({ host: config.host, port: config.port });
      } catch (err) {
        const code = err.code;
        log.error("cannot listen", { ...describeFailure(err), host: config.host, port: config.port });
        return code === errors_1.ERROR_CODES.BACKEND || code === errors_1.ERROR_CODES.TLS ? exports2.EXIT.usage : exports2.EXIT.failure;
      }
      const registry = new prom_client_1.Registry();
      (0, prom_client_1.collectDefaultMetrics)({ register: registry });
      (0, metrics_1.registerMetrics)(registry, server);
      const readiness = { ready: false };
      let metrics;
      try {
        metrics = await (0, metrics_server_1.startMetricsServer)(registry, readiness, config.metricsHost, config.metricsPort, log);
      } catch (err) {
        log.error("cannot listen for metrics", { ...describeFailure(err), host: config.metricsHost, port: config.metricsPort });
        await server.close({ drainTimeoutMs: 0 });
        return exports2.EXIT.failure;
      }
      readiness.ready = true;
      log.info("listening", {
        host: config.host,
        port: server.address().port,
        metricsHost: config.metricsHost,
        metricsPort: metrics.port,
        backend: server.backend,
        handler: config.handler,
        ...handler === "echo" ? {} : { jsMode: config.jsMode, jsData: config.jsData },
        ioThreads: server.stats().threads.length,
        ...tls ? { tlsMinVersion: config.tlsMinVersion, certificateNotAfter: new Date(server.tlsCertificateNotAfter * 1e3).toISOString() } : {},
        version: metrics_1.VERSION
      });
      if (tls && config.tlsReloadMs > 0) {
        (0, tls_reload_1.reloadCertificates)(server, tls.files, tls.passphrase, tls.settings, tls.loaded, config.tlsReloadMs, log);
      }
      const cutShort = (0, stop_signals_1.consoleStopsCutShort)(config.drainTimeoutMs);
      if (Object.keys(cutShort).length > 0) {
        log.warn("Windows ends the process before the drain timeout after these console events (limits in ms)", {
          drainTimeoutMs: config.drainTimeoutMs,
          ...cutShort
        });
      }
      const drain = (signal) => {
        if (!readiness.ready) {
          log.warn("stop requested again: closing the remaining connections now", { signal });
          void server.close({ drainTimeoutMs: 0 });
          return;
        }
        readiness.ready = false;
        log.info("draining", { signal, drainTimeoutMs: config.drainTimeoutMs });
        void stop(server, config, log).then(() => {
          metrics.server.close();
          metrics.server.closeAllConnections();
          process.exit(exports2.EXIT.ok);
        });
      };
      (0, stop_signals_1.onStopRequest)(drain);
      return new Promise(() => {
      });
    }
    var EXPECTED_FAILURES = /* @__PURE__ */ new Set(["EADDRINUSE", "EADDRNOTAVAIL", "EACCES", "ENOTFOUND", "EAI_AGAIN", errors_1.ERROR_CODES.BACKEND, errors_1.ERROR_CODES.TLS]);
    function describeFailure(err) {
      const { code, syscall, hostname, message } = err;
      return code !== void 0 && EXPECTED_FAILURES.has(code) ? { code, syscall, hostname, message } : { err };
    }
    function logAtMostEverySecond(log, msg) {
      let last = 0;
      let skipped = 0;
      return (err) => {
        const now = Date.now();
        if (now - last < 1e3) {
          skipped++;
          return;
        }
        log.warn(msg, { code: err.code, errno: err.errno, alsoFailedSinceLastLine: skipped });
        last = now;
        skipped = 0;
      };
    }
    function logDetails(server, log) {
      server.on("drop", (info) => log.debug("connection rejected", { ...info }));
      server.on("disconnect", (cause, durationSeconds) => {
        if (cause === "idle_timeout")
          log.debug("connection closed: idle timeout", { durationSeconds });
      });
      server.on("acceptError", (err) => log.warn("accept failed; the listener keeps going", { code: err.code, errno: err.errno, retryInMs: err.retryInMs }));
    }
    async function stop(server, config, log) {
      await server.close({ drainTimeoutMs: config.drainTimeoutMs });
      const stats = server.stats();
      log.info("stopped", { accepted: stats.accepted, disconnects: stats.disconnects });
    }
  }
});

// dist/cli.js
Object.defineProperty(exports, "__esModule", { value: true });
var service_1 = require_service();
(0, service_1.main)(process.argv.slice(2), process.env).then((code) => process.exit(code), (err) => {
  process.stderr.write(`iocp-tcp: ${err.stack ?? err.message}
`);
  process.exit(1);
});
