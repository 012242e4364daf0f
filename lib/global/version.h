/* version.h - the one version string of lme */
#ifndef LME_VERSION_H
#define LME_VERSION_H
#define LME_VERSION "0.1.0"
#endif
