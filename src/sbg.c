/*
 * sbg.c
 */
#include "crm.h"
#include "clv.h"
