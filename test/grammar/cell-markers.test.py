# SYNTAX TEST "source.python" "jupytext percent cell markers with cell types and tags"

# %% [markdown]
# <- comment.line.number-sign.python meta.cell-marker.nbpromote.python punctuation.definition.comment.python
# ^^ comment.line.number-sign.python meta.cell-marker.nbpromote.python keyword.other.cell-marker.nbpromote.python
#    ^ meta.cell-marker.nbpromote.python punctuation.definition.cell-type.begin.nbpromote.python
#     ^^^^^^^^ meta.cell-marker.nbpromote.python storage.type.cell-type.nbpromote.python
#             ^ meta.cell-marker.nbpromote.python punctuation.definition.cell-type.end.nbpromote.python
# # Wine quality
# ^^^^^^^^^^^^^^ comment.line.number-sign.python - meta.cell-marker.nbpromote.python

# %% tags=["step:load"]
# ^^ meta.cell-marker.nbpromote.python keyword.other.cell-marker.nbpromote.python
#    ^^^^ meta.cell-marker.nbpromote.python meta.tags.nbpromote.python entity.other.attribute-name.nbpromote.python
#        ^ meta.tags.nbpromote.python punctuation.separator.key-value.nbpromote.python
#         ^ meta.tags.nbpromote.python punctuation.definition.tags.begin.nbpromote.python
#          ^ meta.tags.nbpromote.python string.quoted.double.nbpromote.python punctuation.definition.string.begin.nbpromote.python
#           ^^^^ meta.tags.nbpromote.python string.quoted.double.nbpromote.python keyword.other.directive.nbpromote.python
#               ^ string.quoted.double.nbpromote.python punctuation.separator.key-value.nbpromote.python
#                ^^^^ string.quoted.double.nbpromote.python entity.name.function.step.nbpromote.python
#                     ^ meta.tags.nbpromote.python punctuation.definition.tags.end.nbpromote.python
import pandas as pd

# %% Train the model tags=["parameters", "skip", "step:bad-name", "my-own-tag"]
# ^^ keyword.other.cell-marker.nbpromote.python
#    ^^^^^^^^^^^^^^^ comment.line.number-sign.python meta.cell-marker.nbpromote.python - meta.tags.nbpromote.python
#                           ^^^^^^^^^^ string.quoted.double.nbpromote.python keyword.other.directive.nbpromote.python
#                                      ^ punctuation.separator.comma.nbpromote.python
#                                         ^^^^ keyword.other.directive.nbpromote.python
#                                                 ^^^^ keyword.other.directive.nbpromote.python
#                                                      ^^^^^^^^ invalid.illegal.step-name.nbpromote.python
#                                                                  ^^^^^^^^^^ string.quoted.double.nbpromote.python - keyword.other.directive.nbpromote.python

#%%
# <- meta.cell-marker.nbpromote.python punctuation.definition.comment.python
#^^ meta.cell-marker.nbpromote.python keyword.other.cell-marker.nbpromote.python

# %% [markdown] tags=["skip"]
#     ^^^^^^^^ storage.type.cell-type.nbpromote.python
#                      ^^^^ keyword.other.directive.nbpromote.python

# %% title="Split" tags=["after:load"]
#    ^^^^^ entity.other.attribute-name.nbpromote.python
#          ^^^^^^^ string.quoted.double.nbpromote.python
#                         ^^^^^ keyword.other.directive.nbpromote.python
#                               ^^^^ entity.name.function.step.nbpromote.python

# Kale and papermill spellings are tags too; after/prev take lists
# %% tags=["block:load_data", "prev:load", "after:split,train", "pipeline-parameters", "injected-parameters"]
#           ^^^^^ keyword.other.directive.nbpromote.python
#                 ^^^^^^^^^ entity.name.function.step.nbpromote.python
#                              ^^^^ keyword.other.directive.nbpromote.python
#                                   ^^^^ entity.name.function.step.nbpromote.python
#                                           ^^^^^ keyword.other.directive.nbpromote.python
#                                                 ^^^^^ entity.name.function.step.nbpromote.python
#                                                      ^ meta.tags.nbpromote.python string.quoted.double.nbpromote.python punctuation.separator.comma.nbpromote.python
#                                                       ^^^^^ entity.name.function.step.nbpromote.python
#                                                                ^^^^^^^^^^^^^^^^^^^ keyword.other.directive.nbpromote.python
#                                                                                       ^^^^^^^^^^^^^^^^^^^ keyword.other.directive.nbpromote.python

# %% tags=["step:a:b", "my-own-tag"]
#                ^^^ invalid.illegal.step-name.nbpromote.python
#                       ^^^^^^^^^^ string.quoted.double.nbpromote.python - keyword.other.directive.nbpromote.python
