# SYNTAX TEST "source.python" "#| directives, read the way src/core/tags reads them"

# the native step directive; the injection beats the comment rule at column 0
#| step: load
# <-- meta.directive.nbpromote.python punctuation.definition.directive.nbpromote.python
# <-- - comment.line.number-sign.python
#  ^^^^ meta.directive.nbpromote.python keyword.other.directive.nbpromote.python
#      ^ meta.directive.nbpromote.python punctuation.separator.key-value.nbpromote.python
#        ^^^^ meta.directive.nbpromote.python string.unquoted.directive-value.nbpromote.python entity.name.function.step.nbpromote.python
import pandas as pd

#|step:load_data
# ^^^^ keyword.other.directive.nbpromote.python
#     ^ punctuation.separator.key-value.nbpromote.python
#      ^^^^^^^^^ entity.name.function.step.nbpromote.python

# a space instead of the colon
#| step load
#  ^^^^ keyword.other.directive.nbpromote.python
#       ^^^^ string.unquoted.directive-value.nbpromote.python entity.name.function.step.nbpromote.python

    #| step: indented
#   ^^ meta.directive.nbpromote.python punctuation.definition.directive.nbpromote.python
#            ^^^^^^^^ entity.name.function.step.nbpromote.python

# the engine also reads '# |' as a directive
# | step: spaced
# <--- punctuation.definition.directive.nbpromote.python
#   ^^^^ keyword.other.directive.nbpromote.python
#         ^^^^^^ entity.name.function.step.nbpromote.python

# step names must be Python identifiers
#| step: load-data
#        ^^^^^^^^^ string.unquoted.directive-value.nbpromote.python invalid.illegal.step-name.nbpromote.python
#        ^^^^^^^^^ - entity.name.function.step.nbpromote.python

#| step: 2nd_pass
#        ^^^^^^^^ invalid.illegal.step-name.nbpromote.python

# a step takes one name
#| step: load, features
#        ^^^^^^^^^^^^^^ invalid.illegal.step-name.nbpromote.python - entity.name.function.step.nbpromote.python

# after takes a list
#| after: load, features
#  ^^^^^ keyword.other.directive.nbpromote.python
#         ^^^^ string.unquoted.directive-value.nbpromote.python entity.name.function.step.nbpromote.python
#             ^ punctuation.separator.comma.nbpromote.python
#               ^^^^^^^^ entity.name.function.step.nbpromote.python

#| after: load train
#         ^^^^ entity.name.function.step.nbpromote.python
#              ^^^^^ entity.name.function.step.nbpromote.python

#| after: load, bad-name
#         ^^^^ entity.name.function.step.nbpromote.python
#               ^^^^^^^^ invalid.illegal.step-name.nbpromote.python

# no trailing comments: the engine reads the rest of the line as names
#| after: load  # because
#               ^ invalid.illegal.step-name.nbpromote.python

#| default_exp iris_model
#  ^^^^^^^^^^^ keyword.other.directive.nbpromote.python
#              ^^^^^^^^^^ string.unquoted.directive-value.nbpromote.python entity.name.namespace.module.nbpromote.python

#| default_exp: models.iris
#             ^ punctuation.separator.key-value.nbpromote.python
#               ^^^^^^^^^^^ entity.name.namespace.module.nbpromote.python

#| default_exp iris-model
#              ^^^^^^^^^^ invalid.illegal.module-name.nbpromote.python

#| export
# <-- meta.directive.nbpromote.python punctuation.definition.directive.nbpromote.python
#  ^^^^^^ meta.directive.nbpromote.python keyword.other.directive.nbpromote.python
def accuracy(y, p):
    return (y == p).mean()

#| exporti
#  ^^^^^^^ keyword.other.directive.nbpromote.python

#| exports
#  ^^^^^^^ keyword.other.directive.nbpromote.python

#| hide
#  ^^^^ keyword.other.directive.nbpromote.python

#| parameters
#  ^^^^^^^^^^ keyword.other.directive.nbpromote.python

#| metrics
#  ^^^^^^^ keyword.other.directive.nbpromote.python

#| test
#  ^^^^ keyword.other.directive.nbpromote.python

#| skip
#  ^^^^ keyword.other.directive.nbpromote.python

#| imports
#  ^^^^^^^ keyword.other.directive.nbpromote.python

#| functions
#  ^^^^^^^^^ keyword.other.directive.nbpromote.python

# native role directives take nothing, true or false
#| skip: false
#  ^^^^ keyword.other.directive.nbpromote.python
#        ^^^^^ constant.language.boolean.nbpromote.python

#| test: true
#        ^^^^ constant.language.boolean.nbpromote.python

#| test: yes
#        ^^^ invalid.illegal.directive-value.nbpromote.python

# Kale's names are tags, not directives: other tools' directives
#| prev: load
#  ^^^^ entity.name.tag.directive.nbpromote.python - keyword.other.directive.nbpromote.python
#        ^^^^ string.unquoted.directive-value.nbpromote.python - entity.name.function.step.nbpromote.python

#| block: train
#  ^^^^^ entity.name.tag.directive.nbpromote.python - keyword.other.directive.nbpromote.python

#| pipeline-parameters
#  ^^^^^^^^^^^^^^^^^^^ entity.name.tag.directive.nbpromote.python - keyword.other.directive.nbpromote.python

#| steps: load
#  ^^^^^ entity.name.tag.directive.nbpromote.python - keyword.other.directive.nbpromote.python

# Quarto and nbdev options
#| echo: false
#  ^^^^ meta.directive.nbpromote.python entity.name.tag.directive.nbpromote.python
#      ^ punctuation.separator.key-value.nbpromote.python
#        ^^^^^ string.unquoted.directive-value.nbpromote.python

#| hide_input
#  ^^^^^^^^^^ entity.name.tag.directive.nbpromote.python
