// The server side of react-app.js (Node): the HTML a server-rendering shop sends before hydration.
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { App } from './react-app.js';

export const serverHtml = () => renderToString(createElement(App));
