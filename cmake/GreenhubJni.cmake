# Finds the JNI headers of the JDK named by GREENHUB_JAVA_HOME (Maven's
# java.home), without FindJNI (which also wants libjvm and may pick another JDK).
# Sets GREENHUB_JNI_INCLUDE_DIRS.
if(NOT GREENHUB_JAVA_HOME)
  set(GREENHUB_JAVA_HOME "$ENV{JAVA_HOME}")
endif()
find_path(GREENHUB_JNI_H jni.h
  PATHS "${GREENHUB_JAVA_HOME}/include" "${GREENHUB_JAVA_HOME}/../include"
  NO_DEFAULT_PATH)
if(NOT GREENHUB_JNI_H)
  message(FATAL_ERROR "greenhub: jni.h not found under ${GREENHUB_JAVA_HOME}/include (a JDK, not a JRE, is needed)")
endif()
if(APPLE)
  set(_gh_md darwin)
elseif(CMAKE_SYSTEM_NAME STREQUAL "FreeBSD")
  set(_gh_md freebsd)
else()
  set(_gh_md linux)
endif()
set(GREENHUB_JNI_INCLUDE_DIRS "${GREENHUB_JNI_H}" "${GREENHUB_JNI_H}/${_gh_md}")
