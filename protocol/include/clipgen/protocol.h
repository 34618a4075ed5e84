// Everything of clipgen::protocol in one include.
#pragma once

#include "clipgen/error.h"
#include "clipgen/protocol/json.h"
#include "clipgen/protocol/midi.h"
#include "clipgen/protocol/note_sequence.h"
#include "clipgen/protocol/quantize.h"
#include "clipgen/protocol/validation.h"
