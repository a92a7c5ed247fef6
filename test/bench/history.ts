// A visitor with a history: the queue stub a shop puts before the script, with three clicks queued on it
// (a first visit keeps the page's order and loads the engine once the page has painted: it has no
// personalised order to time). Source text, for page.addInitScript and for a <script> in a page.
export const HISTORY = `window.vitrine=window.vitrine||function(){(vitrine.q=vitrine.q||[]).push(arguments)};for(const item of ['318','296','356'])vitrine('track',{type:'click',item});`;
