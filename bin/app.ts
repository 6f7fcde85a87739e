import { createCdkApp } from '../lib/app';

createCdkApp();
