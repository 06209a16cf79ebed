package icalbusy

// SetCatchPanics lets the fuzz test see panics instead of ErrMalformed.
func SetCatchPanics(on bool) { catchPanics = on }
