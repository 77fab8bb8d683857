// Kept only so js_raw_tools.cc, which still includes it, builds: every Register* function is
// declared in js_register.h. Delete this file once js_raw_tools.cc includes that instead.
#pragma once
#include "js_register.h"
