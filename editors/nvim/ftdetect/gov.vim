" .gov files: the govc policy language. Vimscript so that every Neovim (and Vim) reads it.
autocmd BufRead,BufNewFile *.gov setfiletype gov
