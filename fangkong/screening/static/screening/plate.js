/* Motor vehicle plates (GA 36-2018) on the officer's phone: the port of fangkong/lib/plate.py,
 * so that a plate typed with no network is checked as the server will check it (the same
 * error codes; tests/screening/test_plate_js.py runs both on the same plates).
 */
(function (root) {
  'use strict';

  var PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
  var EMBASSY = '使';
  var SUFFIXES = '挂学警港澳领试超';
  var TRADITIONAL = '滬遼魯蘇贛閩貴寧瓊陝晉雲學掛領試';
  var SIMPLIFIED = '沪辽鲁苏赣闽贵宁琼陕晋云学挂领试';
  // Serials skip I and O, which read as 1 and 0.
  var SERIAL = '[ABCDEFGHJKLMNPQRSTUVWXYZ0123456789]';
  var SMALL_NEW_ENERGY = new RegExp('^[DABCEFGHJK]' + SERIAL + '[0-9]{4}$');
  var LARGE_NEW_ENERGY = /^[0-9]{5}[DABCEFGHJK]$/;
  var ORDINARY = new RegExp('^' + SERIAL + '{5}$');
  var SUFFIX_SERIAL = new RegExp('^' + SERIAL + '{4}$');
  var UNSUPPORTED = /^(?:WJ.*|[A-Z]{2}[0-9]{5}|民航.*)$/;

  /* NFKC, traditional to simplified, no spaces or dots, upper-case; no validation. */
  function clean(text) {
    var value = String(text || '').normalize('NFKC');
    value = Array.from(value).map(function (ch) {
      var at = TRADITIONAL.indexOf(ch);
      return at >= 0 ? SIMPLIFIED.charAt(at) : ch;
    }).join('');
    return value.replace(/[\s·•・‧∙.\-_]/g, '').toUpperCase();
  }

  function serialProblem(rest) {
    if (rest.length === 6) {
      return SMALL_NEW_ENERGY.test(rest) || LARGE_NEW_ENERGY.test(rest) ? '' : 'plate_serial';
    }
    var suffix = rest.charAt(rest.length - 1);
    if (SUFFIXES.indexOf(suffix) >= 0 && SUFFIX_SERIAL.test(rest.slice(0, -1))) return '';
    return ORDINARY.test(rest) ? '' : 'plate_serial';
  }

  /* The server's error code for the plate ('plate_length', 'plate_province', …), or ''
   * when it is valid; 'plate_required' when nothing was typed. */
  function problem(text) {
    var plate = clean(text);
    if (!plate) return 'plate_required';
    if (UNSUPPORTED.test(plate)) return 'plate_unsupported';
    var chars = Array.from(plate);
    if (chars.length !== 7 && chars.length !== 8) return 'plate_length';
    if (chars[0] === EMBASSY) return /^[0-9]{6}$/.test(chars.slice(1).join('')) ? '' : 'plate_serial';
    if (PROVINCES.indexOf(chars[0]) < 0) return 'plate_province';
    if (!/^[A-Z]$/.test(chars[1])) return 'plate_office';
    return serialProblem(chars.slice(2).join(''));
  }

  root.FangkongPlate = { clean: clean, problem: problem };
})(typeof self !== 'undefined' ? self : this);
