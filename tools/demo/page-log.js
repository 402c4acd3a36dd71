// Shared by the demo pages: the element with an id, and a timestamped line on top of a list.
/* exported pageLog */
/* eslint-disable no-redeclare -- this file defines the two globals eslint.config.js declares for the demo scripts */
'use strict';
function byId(id) {
  return document.getElementById(id);
}
function pageLog(list, text) {
  var li = document.createElement('li');
  li.textContent = new Date().toLocaleTimeString() + '  ' + text;
  byId(list).prepend(li);
}
