// Entry point of `node --require @faultline/instrument/register` and `node --import @faultline/instrument/register`.
import { startFromPreload } from './preload.js';

startFromPreload();
