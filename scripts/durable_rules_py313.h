/* Force-included (gcc -include) when durable-rules 2.0.28 is compiled for Python >= 3.13.
 *
 * durable-rules calls PyEval_CallObject(callable, args), a macro that Python 3.13 removed
 * from its headers. Without it the C compiler declares the name implicitly (returning int)
 * and the module fails to import ("undefined symbol"), or, linked against the still-exported
 * PyEval_CallObjectWithKeywords, would truncate the returned pointer. The removed macro meant
 * PyEval_CallObjectWithKeywords(callable, args, NULL); its documented replacement with the same
 * contract (args a tuple or NULL, returns a new reference or NULL with an exception set) is
 * PyObject_CallObject, part of the stable ABI. The macro expands where it is used, after
 * rules.c has included Python.h, so the prototype is in scope. */
#ifndef JIXIAO_DURABLE_RULES_PY313_H
#define JIXIAO_DURABLE_RULES_PY313_H
#define PyEval_CallObject(callable, args) PyObject_CallObject((callable), (args))
#endif
