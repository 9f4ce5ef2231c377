// The JSON value type every spec, observation detail and store blob is made of.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
