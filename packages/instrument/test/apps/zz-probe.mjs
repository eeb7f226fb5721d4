import express from 'express';
console.log('loaded express', typeof express);
