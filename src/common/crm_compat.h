/*
 * crm_compat.h
 *		PostgreSQL version differences, all in one place.
 *
 * crm is built and tested against PostgreSQL 15; other major versions are
 * refused at compile time until they are tested, so that a difference in a
 * server API cannot silently change a result.
 */
#ifndef CRM_COMPAT_H
#define CRM_COMPAT_H

#if PG_VERSION_NUM < 150000 || PG_VERSION_NUM >= 160000
#error "crm supports PostgreSQL 15 only (tested with 15.x)"
#endif

#endif							/* CRM_COMPAT_H */
