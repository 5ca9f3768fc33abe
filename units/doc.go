// Package units is the list of Vietnam's administrative units that the
// console's places picker offers: provinces, their districts and their
// communes, wards and townships.
//
// Two lists are embedded, each as published by the vietnamese-provinces-database
// project of thanglequoc (MIT licence, see LICENSE in this folder):
//
//   - "vn-units-63": the units before the 2025 reform, 63 provinces, 696
//     districts and 10,035 communes (v2.4.1);
//   - "vn-units-34": the units after the 2025 reform, 34 provinces and 3,321
//     communes, without districts (v3.1.0).
//
// The files are the project's JSON with its whitespace removed. A list is
// parsed the first time it is asked for and shared afterwards; it is never
// changed.
package units
